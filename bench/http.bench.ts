/**
 * `npm run bench:http`: two hot request paths of the API against bare node:http + pg servers running the same SQL
 * transactions, in the same run, on the same database:
 * (a) the Bitrix24 webhook receiver (`POST /api/v1/webhooks/bitrix24`, a form-encoded event of an installed OAuth
 *     application: inbox row and its processing event in the outbox), and
 * (b) the courier's status door (`POST /api/v1/deliveries/{id}/status`: idempotency key, locked delivery changed,
 *     audit row, outbox row).
 * The API is the build started with the image's command (docker/Dockerfile's CMD: Node's flags and the telemetry
 * preload) and the shipped ConfigMap's settings (log level, pool size, …); the bare server runs in a process of its
 * own with the same pool size. For each, a closed loop (BENCH_CONCURRENCY in flight, default 32, BENCH_REQUESTS
 * requests, default 4,000) finds the saturating rate, then an open loop at half that rate for BENCH_PACED_SECONDS
 * (default 15) gives the latency percentiles. BENCH_ROUNDS (default 3) repeats the whole, alternating who goes
 * first; the figures are the rounds' medians. No worker runs: the outbox just fills, for both alike.
 * BENCH_API_NODE_OPTIONS (say `--cpu-prof --cpu-prof-dir=/tmp/prof`) profiles the API, BENCH_BARE_NODE_OPTIONS the
 * bare server (or, with a `--require` hook logging pg's queries, shows that both send the same statements).
 * The API prepares its transactions' repeated statements (StatementNames); the bare server sends them unnamed, as a
 * plain pg server does, unless BENCH_BARE_PREPARED=1 has it prepare them by the same rule (for comparison only: such
 * a run does not rewrite the docs).
 * Prints a markdown section and rewrites the "HTTP hot path" section of docs/benchmarks.md.
 */
import 'reflect-metadata';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { loadConfig } from '@app/core';
import { findRepoRoot, tokenFor } from '@app/testing';
import { Pool } from 'pg';
import { BARE_WEBHOOK_AUTH, insertAssignedDeliveries } from './support/bare-server';
import { createBenchDatabase } from './support/bench-database';
import { updateBenchmarksSection } from './support/benchmarks-doc';
import { freePort } from './support/free-port';
import { cpuPerRequest, type CpuShare, HttpLoad, paced, percentile, saturate } from './support/load';
import { shippedApiCommand, shippedApiSettings, shippedProcessEnvironment } from './support/shipped-api-command';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 4_000);
const PACED_SECONDS = Number(process.env.BENCH_PACED_SECONDS ?? 15);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** `webhook` or `status`: only that endpoint (and its baseline), say to profile one path. */
const ONLY = process.env.BENCH_ONLY;
/** `KEY=value,KEY=value`: settings over the shipped ones, to see what one of them costs; the report names them. */
const API_ENV = Object.fromEntries(
  (process.env.BENCH_API_ENV ?? '')
    .split(',')
    .filter(Boolean)
    .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
);
const BARE_PREPARED = process.env.BENCH_BARE_PREPARED === '1';
const WARM_UP = 300;
const guid = (n: number) => `be4c0000-0000-4000-8000-${n.toString().padStart(12, '0')}`;
const [STORE, ACME, COURIER] = [guid(2), guid(3), guid(1_000)];

interface Target {
  readonly name: string;
  readonly pid: number;
  /** One request, the `i`th of the run; throws on anything but 200. */
  call(i: number): Promise<void>;
}

interface Measure {
  readonly rate: number;
  readonly p50: number;
  readonly p99: number;
  readonly cpu: CpuShare;
}

/** Saturating rate (closed loop), then latencies at half of it (open loop). */
async function measure(target: Target, next: () => number): Promise<Measure> {
  await saturate(WARM_UP, CONCURRENCY, () => target.call(next()));
  const { result: rate, cpu } = await cpuPerRequest(target.pid, REQUESTS, () =>
    saturate(REQUESTS, CONCURRENCY, () => target.call(next())),
  );
  const latencies = await paced(rate / 2, PACED_SECONDS, () => target.call(next()));
  return { rate, p50: percentile(latencies, 50), p99: percentile(latencies, 99), cpu };
}

/** A Bitrix24 outbound event as the portal posts it: form-encoded, PHP bracket keys. */
function webhookBody(n: number): string {
  return new URLSearchParams({
    event: 'ONCRMDYNAMICITEMUPDATE',
    event_handler_id: '7',
    'data[FIELDS][ID]': String(n),
    'data[FIELDS][ENTITY_TYPE_ID]': '1220',
    ts: '1723538517',
    'auth[access_token]': '',
    'auth[expires]': '1723542117',
    'auth[expires_in]': '3600',
    'auth[scope]': 'crm',
    'auth[domain]': BARE_WEBHOOK_AUTH.domain,
    'auth[server_endpoint]': 'https://oauth.bitrix.info/rest/',
    'auth[status]': 'L',
    'auth[client_endpoint]': `https://${BARE_WEBHOOK_AUTH.domain}/rest/`,
    'auth[member_id]': BARE_WEBHOOK_AUTH.memberId,
    'auth[user_id]': '0',
    'auth[application_token]': BARE_WEBHOOK_AUTH.applicationToken,
  }).toString();
}

/**
 * Starts `node args…` and resolves with what it printed once `ready` holds (checked on every chunk of its output and
 * every 100 ms). What it prints is read and kept until then, and dropped after, as a container runtime reads it.
 */
async function startProcess(
  args: string[],
  env: Record<string, string>,
  ready: (output: string) => boolean | Promise<boolean>,
): Promise<{ child: ChildProcess; output: string }> {
  const child = spawn(process.execPath, args, {
    cwd: findRepoRoot(),
    env: { PATH: process.env.PATH ?? '', TZ: 'UTC', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  const collect = (chunk: Buffer) => void (output += chunk.toString());
  child.stdout.on('data', collect);
  const deadline = Date.now() + 60_000;
  while (!(await ready(output))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${args.join(' ')} did not get ready (exit code ${child.exitCode}):\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.stdout.off('data', collect);
  return { child, output };
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

async function main(): Promise<void> {
  const bench = await createBenchDatabase('http');
  const port = await freePort();
  // One courier sends thousands of writes a minute here: the shipped budgets (1,200 a minute) would refuse most of
  // them. The benchmark's own budgets keep the limiter on and counting every request (its Redis round trip is part
  // of the figures) without refusing.
  const budgets = Object.fromEntries(Object.entries(bench.env).filter(([key]) => /^RATE_LIMIT_[A-Z_]+$/.test(key)));
  const shipped = { ...shippedApiSettings(), ...budgets };
  const env: Record<string, string> = {
    ...shippedProcessEnvironment(),
    ...bench.env,
    ...shipped,
    // Production refuses the public development secret; the benchmark signs the couriers' tokens with this one.
    JWT_SECRET: randomUUID() + randomUUID(),
    HOST: '127.0.0.1',
    PORT: String(port),
    BITRIX24_CLIENT_ID: 'bench.client',
    BITRIX24_CLIENT_SECRET: 'bench-secret',
    BITRIX24_PORTAL_URL: `https://${BARE_WEBHOOK_AUTH.domain}`,
    ...API_ENV,
  };
  const config = loadConfig(env);
  const poolSize = config.database.poolSize;
  const pool = new Pool({ connectionString: bench.databaseUrl, max: 2 });
  // An installed application: its token is what the portal's events carry.
  await pool.query(
    `INSERT INTO bitrix24_oauth_installations (member_id, domain, server_endpoint, access_token, refresh_token,
                                               application_token, expires_at, scope)
     VALUES ($1, $2, 'https://oauth.bitrix.info/rest/', 'access', 'refresh', $3, now() + interval '1 day', 'crm')`,
    [BARE_WEBHOOK_AUTH.memberId, BARE_WEBHOOK_AUTH.domain, BARE_WEBHOOK_AUTH.applicationToken],
  );
  const deliveriesPerRun = WARM_UP + REQUESTS + Math.ceil(3_000 * PACED_SECONDS);
  const refs = { counterpartyId: ACME, warehouseId: STORE, courierId: COURIER };

  const [, ...command] = shippedApiCommand();
  const apiNodeOptions = process.env.BENCH_API_NODE_OPTIONS?.split(' ').filter(Boolean) ?? [];
  const live = () =>
    fetch(`http://127.0.0.1:${port}/health/live`).then(
      (response) => response.ok,
      () => false,
    );
  const { child: api } = await startProcess([...apiNodeOptions, ...command], env, live);
  const bareNodeOptions = process.env.BENCH_BARE_NODE_OPTIONS?.split(' ').filter(Boolean) ?? [];
  const { child: bare, output: bareUrl } = await startProcess(
    [
      ...bareNodeOptions,
      'dist/bench/support/bare-server.js',
      bench.databaseUrl,
      String(poolSize),
      ...(BARE_PREPARED ? ['prepared'] : []),
    ],
    // The same allocator as the API's, so that only the code differs.
    shippedProcessEnvironment(),
    (output) => output.endsWith('\n'),
  );
  try {
    const results: Record<string, Measure[]> = {};
    let n = 0;
    const next = () => ++n;
    const apiLoad = new HttpLoad(`http://127.0.0.1:${port}`, CONCURRENCY);
    const bareLoad = new HttpLoad(bareUrl.trim(), CONCURRENCY);
    const courier = tokenFor(config, 'courier', { courierId: COURIER });
    const statusBody = () => JSON.stringify({ status: 'accepted', occurredAt: new Date().toISOString() });
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const targets = (round: number): Target[] => {
      const apiIds = insertAssignedDeliveries(pool, `api-${round}`, deliveriesPerRun, refs);
      const bareIds = insertAssignedDeliveries(pool, `bare-${round}`, deliveriesPerRun, refs);
      let apiNext = 0;
      let bareNext = 0;
      return [
        {
          name: 'webhook api',
          pid: api.pid!,
          call: (i) =>
            apiLoad.expectOk('POST', '/api/v1/webhooks/bitrix24', form, webhookBody(i)).then(() => undefined),
        },
        {
          name: 'webhook bare',
          pid: bare.pid!,
          call: (i) => bareLoad.expectOk('POST', '/webhooks/bitrix24', form, webhookBody(i)).then(() => undefined),
        },
        {
          name: 'status api',
          pid: api.pid!,
          call: async () => {
            const id = (await apiIds)[apiNext++];
            await apiLoad.expectOk(
              'POST',
              `/api/v1/deliveries/${id}/status`,
              {
                authorization: `Bearer ${courier}`,
                'content-type': 'application/json',
                'idempotency-key': randomUUID(),
              },
              statusBody(),
            );
          },
        },
        {
          name: 'status bare',
          pid: bare.pid!,
          call: async () => {
            const id = (await bareIds)[bareNext++];
            await bareLoad.expectOk(
              'POST',
              `/deliveries/${id}/status`,
              { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
              statusBody(),
            );
          },
        },
      ];
    };
    for (let round = 0; round < ROUNDS; round++) {
      const list = targets(round);
      // Alternate who goes first: a table that grows, or a neighbour that wakes up, then costs both alike.
      const order = round % 2 === 0 ? [0, 1, 2, 3] : [1, 0, 3, 2];
      for (const index of order) {
        const target = list[index];
        if (ONLY && !target.name.startsWith(ONLY)) {
          continue;
        }
        const figures = await measure(target, next);
        (results[target.name] ??= []).push(figures);
        console.error(
          `round ${round + 1} ${target.name}: ${figures.rate.toFixed(0)} req/s, p99 at half ${figures.p99.toFixed(1)} ms`,
        );
      }
    }
    apiLoad.close();
    bareLoad.close();
    await report(results, shipped, [...apiNodeOptions, ...command]);
  } finally {
    await stopProcess(bare);
    await stopProcess(api);
    await pool.end();
    await bench.drop();
  }
}

/** The middle value; of an even count, the mean of the middle two. */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function report(
  results: Record<string, Measure[]>,
  shipped: Record<string, string>,
  command: string[],
): Promise<void> {
  const of = (name: string) => {
    const runs = results[name];
    return {
      runs,
      rate: median(runs.map((run) => run.rate)),
      rates: runs.map((run) => run.rate.toFixed(0)).join(', '),
      p50: median(runs.map((run) => run.p50)),
      p99: median(runs.map((run) => run.p99)),
      cpu: median(runs.map((run) => run.cpu.api)),
    };
  };
  const cpu = cpus();
  const rows: string[] = [];
  for (const endpoint of ['webhook', 'status'].filter((name) => results[`${name} api`])) {
    const api = of(`${endpoint} api`);
    const bare = of(`${endpoint} bare`);
    // Each round's own ratio: the two ran minutes apart at most, on the same neighbours' load.
    const ratios = api.runs.map((run, round) => run.rate / bare.runs[round].rate);
    const ratio = median(ratios);
    const label = endpoint === 'webhook' ? '(a) Bitrix24 webhook' : '(b) courier status';
    rows.push(
      `| ${label}: API | ${api.rate.toFixed(0)} (${api.rates}) | ${api.p50.toFixed(1)} / ${api.p99.toFixed(1)} ms | ${api.cpu.toFixed(2)} ms | |`,
      `| ${label}: bare node:http + pg | ${bare.rate.toFixed(0)} (${bare.rates}) | ${bare.p50.toFixed(1)} / ${bare.p99.toFixed(1)} ms | ${bare.cpu.toFixed(2)} ms | |`,
      `| ${label}: **API / bare** | **${ratio.toFixed(2)}×** (${ratios.map((value) => value.toFixed(2)).join(', ')}) | | | ≥ 0.8×: ${ratio >= 0.8 ? 'met' : 'NOT met'} |`,
    );
  }
  const settings = Object.entries({ ...shipped, ...API_ENV })
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');
  const section = [
    '## HTTP hot path (`npm run bench:http`)',
    '',
    `${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}. ` +
      `The API started from the build as the image starts it (\`${command.join(' ')}\`) with the shipped ` +
      `ConfigMap's settings but the rate-limit budgets, raised so that one courier is counted, never refused ` +
      `(${settings}); the bare server (bench/support/bare-server.ts) in a process of its own ` +
      `with the same pool size, ${BARE_PREPARED ? "preparing its statements by the API's rule" : 'sending its statements unnamed (the API prepares its repeated ones)'}; PostgreSQL and Redis on the same machine; the load generator (node:http, kept-alive ` +
      `connections) in the benchmark's process. Saturating rate: ${REQUESTS} requests, ${CONCURRENCY} in flight; ` +
      `latency: an open loop at half each server's own saturating rate for ${PACED_SECONDS} s, counted from when ` +
      `each request was due. ${ROUNDS} round(s), alternating who goes first; medians (each round's figure in brackets; ` +
      `the ratio is the median of the rounds' own ratios). CPU per request is the server process's, from /proc ` +
      `(PostgreSQL's is not given: other work's backends come and go on this machine).`,
    '',
    '| endpoint | saturating rate, req/s | p50 / p99 at half that rate | server CPU per request | target |',
    '| --- | ---: | ---: | ---: | --- |',
    ...rows,
    '',
    `Load average (1 min) at the end: ${loadavg()[0].toFixed(1)} on ${cpu.length} vCPUs shared with other work: ` +
      `compare the ratios of one run, not rates across runs.`,
  ].join('\n');
  console.log(section);
  // Only a run of everything as shipped stands for the shipped API.
  if (!ONLY && !BARE_PREPARED && Object.keys(API_ENV).length === 0) {
    await updateBenchmarksSection(section);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
