/**
 * `npm run demo [-- --exit] [--port N]`: the whole system on this machine with nothing configured, playing one
 * working day in about a minute. It builds (through npm), recreates its own database (`mastermobile_demo`) and Redis
 * prefix (`mmdemo`), starts the fakes of 1C (exchange node and HTTP service), Bitrix24, Slack and Telegram in this
 * process, runs the API and the worker from dist/ as `npm start` does, and plays scripts/demo/story.ts against
 * them, one `✓ step — detail` line per step. Then it prints the console's URL and an admin token and keeps
 * everything running until Ctrl-C; with `--exit` (or CI set) it stops and exits 0. A failed step prints
 * `✗ step — why` and `FAIL …` and exits 1. docs/decisions.md § Demo.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, mintDevelopmentToken, type Role } from '@app/core';
import {
  BOARD_CATEGORY,
  BOARD_MAPPING,
  BOARD_TYPE,
  boardStageSeed,
  CATALOG_IBLOCK,
  DELIVERY_STAGE_SEMANTICS,
  FakeBitrix24,
  FakeOnecExchange,
  FakeOnecHttpService,
  FakeSlack,
  FakeTelegram,
  STAGES,
} from '@app/testing';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { stringify } from 'yaml';
import { playStory, StepFailed } from './demo/story';

const ROOT = join(__dirname, '..', '..');
const EXCHANGE = { login: 'demo-1c', password: 'demo-exchange-password' };
const ONEC_SERVICE = { login: 'middleware', password: 'demo-http-service-password' };
const TELEGRAM_CHAT = '-1001234567890';
const COURIER_PORTAL_USER = 17;
const CASH_LIMIT = '1000.00';

function options() {
  const { values } = parseArgs({
    options: {
      exit: { type: 'boolean', default: false },
      port: { type: 'string' },
      database: { type: 'string', default: 'mastermobile_demo' },
      'redis-prefix': { type: 'string', default: 'mmdemo' },
      'postgres-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432' },
      'redis-url': { type: 'string', default: 'redis://127.0.0.1:6379' },
    },
  });
  if (!/^[a-z_][a-z0-9_]*$/.test(values.database)) {
    throw new Error(`--database must be a plain lower-case name, not ${values.database}`);
  }
  return {
    ...values,
    // process.env is read here only because this is a standalone tool: CI runs it to its end.
    exit: values.exit || Boolean(process.env.CI),
  };
}

function freePort(port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: chosen } = server.address() as { port: number };
      server.close(() => resolve(chosen));
    });
  });
}

/** 3000 as the README promises when it is free, another free port otherwise. */
async function apiPort(requested: string | undefined): Promise<number> {
  if (requested !== undefined) {
    return freePort(Number(requested));
  }
  return freePort(3000).catch(() => freePort());
}

/** The demo's database and Redis prefix start empty on every run, so the story always tells the same day. */
async function freshStores(postgresUrl: string, database: string, redisUrl: string, prefix: string): Promise<void> {
  const admin = new Client({ connectionString: `${postgresUrl}/postgres` });
  await admin.connect();
  try {
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [database]);
    await admin.query(`DROP DATABASE IF EXISTS "${database}"`);
    await admin.query(`CREATE DATABASE "${database}"`);
  } finally {
    await admin.end();
  }
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) {
        await redis.del(...keys);
      }
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

class App {
  private readonly exited: Promise<number>;
  stopping = false;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
  }

  static start(name: string, script: string[], env: Record<string, string>, logDir: string): App {
    const log = createWriteStream(join(logDir, `${name}.log`));
    const child = spawn(process.execPath, script, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    return new App(name, child);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  waitForExit(): Promise<number> {
    return this.exited;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.running) {
      this.child.kill('SIGTERM');
    }
    await this.exited;
  }
}

async function ready(url: string, apps: App[], what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const dead = apps.find((app) => !app.running);
    if (dead) {
      throw new StepFailed(`the ${dead.name} exited while starting (see its log)`);
    }
    const ok = await fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) {
      return;
    }
    if (Date.now() > deadline) {
      throw new StepFailed(`${what} not ready within ${timeoutMs / 1000} s (${url})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function main(): Promise<number> {
  const started = Date.now();
  const opts = options();
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  const work = join(tmpdir(), `mastermobile-demo-${randomBytes(3).toString('hex')}`);
  mkdirSync(work, { recursive: true });

  const port = await apiPort(opts.port);
  const workerOpsPort = await freePort();
  const apiUrl = `http://127.0.0.1:${port}`;
  const databaseUrl = `${opts['postgres-url']}/${opts.database}`;

  const cleanups: (() => Promise<unknown>)[] = [];
  const apps: App[] = [];
  const stopAll = async () => {
    // Ctrl-C reaches the apps too (one process group): none of them exiting now is a failure.
    apps.forEach((app) => (app.stopping = true));
    for (const app of [...apps].reverse()) {
      await app.stop();
    }
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch(() => undefined);
    }
  };

  try {
    await freshStores(opts['postgres-url'], opts.database, opts['redis-url'], opts['redis-prefix']);

    const bitrix24 = await FakeBitrix24.start({
      catalogIblockIds: [CATALOG_IBLOCK],
      smartProcesses: [{ entityTypeId: BOARD_TYPE, categories: [{ id: BOARD_CATEGORY }] }],
    });
    cleanups.push(() => bitrix24.stop());
    bitrix24.seed(
      boardStageSeed(
        { entityTypeId: BOARD_TYPE, categoryId: BOARD_CATEGORY, stages: STAGES },
        DELIVERY_STAGE_SEMANTICS,
      ),
    );
    // The portal's outgoing webhook, as an administrator configures it in Bitrix24's UI: card moves reach the API.
    const hook = bitrix24.addOutgoingWebhook({
      url: `${apiUrl}/api/v1/webhooks/bitrix24`,
      events: ['ONCRMDYNAMICITEMUPDATE'],
    });
    const onecService = await FakeOnecHttpService.start(ONEC_SERVICE);
    cleanups.push(() => onecService.stop());
    const slack = await FakeSlack.start();
    cleanups.push(() => slack.close());
    const telegram = await FakeTelegram.start({ chats: [TELEGRAM_CHAT] });
    cleanups.push(() => telegram.close());

    const mappingFile = join(work, 'bitrix24-mapping.yaml');
    writeFileSync(mappingFile, stringify(BOARD_MAPPING));
    const slaRulesFile = join(work, 'sla-rules.json');
    writeFileSync(
      slaRulesFile,
      JSON.stringify({ rules: { cash_on_hand_over_limit: { threshold: CASH_LIMIT, severity: 'critical' } } }),
    );

    // Only what the demo wires up: the rest are the defaults a fresh clone runs with (the development JWT secret).
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      TZ: 'UTC',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      PORT: String(port),
      WORKER_OPS_PORT: String(workerOpsPort),
      DATABASE_URL: databaseUrl,
      DB_MIGRATIONS_RUN: 'false',
      REDIS_URL: opts['redis-url'],
      REDIS_KEY_PREFIX: opts['redis-prefix'],
      EVENTS_RELAY_POLL_INTERVAL_MS: '100',
      BITRIX24_WEBHOOK_URL: bitrix24.webhookUrl,
      BITRIX24_APPLICATION_TOKEN: hook.applicationToken,
      BITRIX24_MAPPING_FILE: mappingFile,
      BITRIX24_BATCH_LINGER_MS: '10',
      ONEC_EXCHANGE_LOGIN: EXCHANGE.login,
      ONEC_EXCHANGE_PASSWORD: EXCHANGE.password,
      ONEC_EXCHANGE_WORK_DIR: join(work, 'onec-exchange'),
      ONEC_HTTP_BASE_URL: onecService.url,
      ONEC_HTTP_LOGIN: ONEC_SERVICE.login,
      ONEC_HTTP_PASSWORD: ONEC_SERVICE.password,
      NOTIFY_SLACK_WEBHOOK_URL: slack.webhookUrl,
      NOTIFY_TELEGRAM_BOT_TOKEN: telegram.token,
      NOTIFY_TELEGRAM_CHAT_IDS: TELEGRAM_CHAT,
      NOTIFY_TELEGRAM_API_URL: telegram.apiUrl,
      NOTIFY_LINK_BASE_URL: `${apiUrl}/console`,
      SLA_RULES_FILE: slaRulesFile,
      // The registers of this demo's couriers report their receipts to 1C themselves.
      CASH_FISCAL_RECEIPT: 'optional',
    };

    const migrate = App.start('migrate', [join(ROOT, 'dist', 'scripts', 'migrate.js')], env, work);
    if ((await migrate.waitForExit()) !== 0) {
      throw new StepFailed(`the migrations failed (see ${join(work, 'migrate.log')})`);
    }
    say(
      `✓ database ${opts.database} created and migrated, Redis prefix ${opts['redis-prefix']} emptied — ${seconds()}`,
    );

    const telemetry = join(ROOT, 'dist', 'libs', 'core', 'src', 'telemetry', 'register.js');
    for (const name of ['api', 'worker']) {
      apps.push(
        App.start(name, ['--require', telemetry, join(ROOT, 'dist', 'apps', name, 'src', 'main.js')], env, work),
      );
    }
    await ready(`${apiUrl}/health/ready`, apps, 'the API');
    await ready(`http://127.0.0.1:${workerOpsPort}/health/ready`, apps, 'the worker');
    say(`✓ API on ${apiUrl} and worker started from dist/ — logs in ${work}, ${seconds()}`);

    const config = loadConfig(env);
    const token = (role: Role, courierId?: string) =>
      mintDevelopmentToken(config, { subject: `demo-${role}`, roles: [role], courierId, ttl: '12h' });
    // An app that dies mid-story ends it at once rather than as a timeout in whichever step comes next.
    const died = new Promise<never>((_, reject) => {
      for (const app of apps) {
        void app.waitForExit().then(() => {
          if (!app.stopping) {
            reject(new StepFailed(`the ${app.name} exited (see ${join(work, `${app.name}.log`)})`));
          }
        });
      }
    });
    died.catch(() => undefined);
    const steps = await Promise.race([
      playStory(
        {
          apiUrl,
          bitrix24,
          onecService,
          onecExchange: new FakeOnecExchange({ baseUrl: apiUrl, ...EXCHANGE }),
          slack,
          telegram,
          telegramChat: TELEGRAM_CHAT,
          token,
          courierPortalUser: COURIER_PORTAL_USER,
          cashLimit: CASH_LIMIT,
        },
        say,
      ),
      died,
    ]);

    say(`PASS ${steps} steps in ${seconds()}`);
    say('');
    say(`Console:        ${apiUrl}/console  (Swagger UI: ${apiUrl}/docs)`);
    say(`Admin token:    ${token('admin')}`);
    say(`Fake Bitrix24:  ${bitrix24.baseUrl}/_fake/state`);
    if (opts.exit) {
      await stopAll();
      return 0;
    }
    say('Running until Ctrl-C.');
    return await Promise.race([
      new Promise<number>((resolve) => {
        const stop = () => void stopAll().then(() => resolve(0));
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      }),
      died.catch(async (error: Error) => {
        say(`FAIL ${error.message}`);
        await stopAll();
        return 1;
      }),
    ]);
  } catch (error) {
    const why = error instanceof StepFailed ? error.message : `unexpected: ${(error as Error).message}`;
    say(`✗ ${why}`);
    say(`FAIL ${why} (logs in ${work})`);
    await stopAll();
    return 1;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stdout.write(`FAIL ${(error as Error).message}\n`);
    process.exit(1);
  },
);
