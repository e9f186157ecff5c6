/**
 * `npm run drill:restore`: the restore drill, on this machine, never on the shared PostgreSQL's data.
 * 1. A private PostgreSQL cluster on a spare port (initdb as the postgres OS user in a temp dir), WAL archived to a
 *    directory with `archive_timeout` = DRILL_ARCHIVE_TIMEOUT (30 s, the RPO bound), a base backup (`-X none`: its WAL
 *    comes from the archive), a private Redis, the API and a worker, the fake 1C HTTP service in this process.
 * 2. A write load through the real API (deliveries created as 1C, accepted / in transit / delivered as the courier;
 *    each acknowledged write recorded with its time), then the primary destroyed mid-load (`kill -9` of the
 *    postmaster, its data directory deleted, the apps killed).
 * 3. Point-in-time recovery: the base backup plus every archived segment, promoted at the end of the archive; the apps
 *    started on it. RTO = destruction → `/health/ready` 200. Checks: every write acknowledged before the newest archived
 *    segment was written is there; RPO = the last acknowledged write lost → the newest recovered (0 if none lost);
 *    the outbox resumes (every recovered `delivered` delivery's confirmation reaches 1C) and no event is pushed twice
 *    except re-sends of ones whose `delivered` mark was in the lost WAL (1C de-duplicates those by Idempotency-Key).
 * 4. Redis loss: under the same load the private Redis is killed and a new empty one started on its port; the
 *    reconcile re-publishes from the outbox; every confirmation reaches 1C, none twice.
 * Prints a table and rewrites the figures section of docs/operations/drills.md.
 * `npm run drill:redis` runs phase 4 alone (on a fresh private cluster, without the PITR).
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, cpSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { cpus, hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@app/core';
import {
  FakeOnecHttpService,
  findRepoRoot,
  freePort,
  migrateBuiltSchema,
  RedisServerProcess,
  tokenFor,
} from '@app/testing';
import { Client } from 'pg';
import { Apps, queryOnce, rewriteSection } from './drill-support/apps';
import { asPostgres, Cluster, pgBin, uidOf } from './drill-support/cluster';
import { sleep, waitUntil } from './drill-support/wait';

const ARCHIVE_TIMEOUT_S = Number(process.env.DRILL_ARCHIVE_TIMEOUT ?? 30);
const LOAD_SECONDS = Number(process.env.DRILL_LOAD_SECONDS ?? 75);
const REDIS_LOAD_SECONDS = Number(process.env.DRILL_REDIS_LOAD_SECONDS ?? 30);
const CONCURRENCY = 8;
const COURIERS = 10;
const RTO_TARGET_S = 15 * 60;
const RPO_TARGET_S = 5 * 60;
const ONLY_REDIS = process.argv.includes('redis');

const guid = (n: number) => `d7111000-0000-4000-8000-${n.toString().padStart(12, '0')}`;
const [UNIT, WATER, STORE, ACME] = ['796', guid(1), guid(2), guid(3)];
const courierOf = (n: number) => guid(1_000 + (n % COURIERS));
const STEPS = ['assigned', 'accepted', 'in_transit', 'delivered'] as const;
const CONFIRMED = 'mastermobile.delivery.execution_confirmed.v1';

/** The private cluster with WAL archived, a base backup, and a point-in-time recovery from the two. */
class PitrCluster extends Cluster {
  readonly base: string;

  constructor(root: string, port: number) {
    super(root, port, { archiveTimeoutS: ARCHIVE_TIMEOUT_S });
    this.base = join(root, 'base');
  }

  baseBackup(): void {
    asPostgres([
      pgBin('pg_basebackup'),
      '-h',
      '127.0.0.1',
      '-p',
      String(this.port),
      '-U',
      'postgres',
      '-D',
      this.base,
      '-X',
      'none',
    ]);
  }

  /** The base backup plus the archive, promoted at the end of the archive. */
  restore(): void {
    this.dataDir = join(this.root, 'restored');
    cpSync(this.base, this.dataDir, { recursive: true });
    execFileSync('chown', ['-R', 'postgres:postgres', this.dataDir]);
    chmodSync(this.dataDir, 0o700);
    appendFileSync(join(this.dataDir, 'postgresql.auto.conf'), `restore_command = 'cp ${this.archive}/%f %p'\n`);
    writeFileSync(join(this.dataDir, 'recovery.signal'), '');
    chownSync(join(this.dataDir, 'recovery.signal'), uidOf('postgres'), uidOf('postgres', 'g'));
    this.start();
  }

  /** The newest archived WAL segment's write time: what a restore from the archive can reach. */
  lastArchivedAt(): number {
    const segments = readdirSync(this.archive).filter((name) => /^[0-9A-F]{24}$/.test(name));
    return Math.max(...segments.map((name) => statSync(join(this.archive, name)).mtimeMs));
  }

  archivedSegments(): number {
    return readdirSync(this.archive).filter((name) => /^[0-9A-F]{24}$/.test(name)).length;
  }
}

interface Ack {
  readonly deliveryId: string;
  readonly step: number;
  readonly at: number;
}

const SHIPMENT = (n: number, run: string) => ({
  document: { type: 'sales', number: `DR-${run}-${n}`, date: '2026-12-05', onecId: randomUUID() },
  counterpartyId: ACME,
  address: `Москва, ул. Ленина, ${n}`,
  warehouseId: STORE,
  courierId: courierOf(n),
  items: [{ lineNo: 1, productId: WATER, quantity: '2', price: '49.90', vatRate: '22', amount: '99.80' }],
  totals: { total: '99.80', cashOnDelivery: '99.80' },
});

/** The apps and the write load through them. */
class System extends Apps {
  readonly acks: Ack[] = [];
  failures = 0;
  private stopping = false;
  private counter = 0;

  async seed(): Promise<void> {
    const token = tokenFor(loadConfig(this.env), '1c');
    const seed: [string, unknown[]][] = [
      ['units', [{ id: UNIT, version: 1, code: UNIT, name: 'шт' }]],
      ['warehouses', [{ id: STORE, version: 1, name: 'Склад' }]],
      ['products', [{ id: WATER, version: 1, name: 'Вода', unitId: UNIT, vatRate: '22' }]],
      ['counterparties', [{ id: ACME, version: 1, type: 'organization', name: 'ООО «Ромашка»' }]],
      ['couriers', Array.from({ length: COURIERS }, (_, i) => ({ id: courierOf(i), version: 1, name: `Курьер ${i}` }))],
    ];
    for (const [kind, items] of seed) {
      await this.call('PUT', `/api/v1/master-data/${kind}`, token, { items });
    }
  }

  /** CONCURRENCY loops, each taking a delivery from creation to delivered; runs until `stop()`. */
  load(run: string): Promise<void> {
    this.stopping = false;
    const config = loadConfig(this.env);
    const onecToken = tokenFor(config, '1c');
    const loop = async () => {
      while (!this.stopping) {
        const n = ++this.counter;
        const courier = tokenFor(config, 'courier', { courierId: courierOf(n) });
        try {
          const created = (await (
            await this.call('POST', '/api/v1/deliveries', onecToken, SHIPMENT(n, run))
          ).json()) as {
            id: string;
          };
          this.acks.push({ deliveryId: created.id, step: 0, at: Date.now() });
          for (let step = 1; step < STEPS.length && !this.stopping; step++) {
            await this.call('POST', `/api/v1/deliveries/${created.id}/status`, courier, {
              status: STEPS[step],
              occurredAt: new Date().toISOString(),
              ...(STEPS[step] === 'delivered' ? { cashCollected: '99.80' } : {}),
            });
            this.acks.push({ deliveryId: created.id, step, at: Date.now() });
          }
        } catch {
          this.failures++;
          await sleep(200);
        }
      }
    };
    return Promise.all(Array.from({ length: CONCURRENCY }, loop)).then(() => undefined);
  }

  stopLoad(): void {
    this.stopping = true;
  }
}

/** Each delivery's status rank in the database. */
async function statuses(databaseUrl: string): Promise<Map<string, number>> {
  const rows = await queryOnce<{ id: string; status: string }>(databaseUrl, 'SELECT id, status FROM deliveries');
  return new Map(rows.map((row) => [row.id, STEPS.indexOf(row.status as (typeof STEPS)[number])]));
}

async function outboxBacklog(databaseUrl: string): Promise<number> {
  const rows = await queryOnce<{ n: string }>(
    databaseUrl,
    `SELECT count(*) AS n FROM outbox_events WHERE type = $1 AND status IN ('queued', 'pending', 'dispatched')`,
    [CONFIRMED],
  );
  return Number(rows[0].n);
}

const confirmationOf = (body: unknown): string | undefined => {
  const event = body as { type?: string; data?: { deliveryId?: string } };
  return event.type === CONFIRMED ? event.data?.deliveryId : undefined;
};

interface RestoreFigures {
  rtoS: number;
  rpoS: number;
  acked: number;
  ackedBeforeArchive: number;
  missingBeforeArchive: number;
  lostAfterArchive: number;
  segments: number;
  deliveredRecovered: number;
  confirmedAfterRestore: boolean;
  resentLostMarks: number;
  unexplainedDuplicates: number;
  restoreSteps: { teardownS: number; copyAndReplayS: number; appsS: number };
}

interface RedisFigures {
  delivered: number;
  confirmed: number;
  duplicates: number;
  secondsToDrain: number;
  republished: number;
}

async function restoreDrill(
  cluster: PitrCluster,
  redis: RedisServerProcess,
  system: System,
  onec: FakeOnecHttpService,
): Promise<RestoreFigures> {
  console.log(`load for ${LOAD_SECONDS} s through the API…`);
  const loading = system.load('pitr');
  await sleep(LOAD_SECONDS * 1000);
  const segments = cluster.archivedSegments();
  const destroyedAt = Date.now();
  await cluster.destroy();
  console.log('primary destroyed (kill -9, data directory deleted)');
  await sleep(2_000);
  system.stopLoad();
  await loading;
  await system.kill();
  const lastArchived = cluster.lastArchivedAt();
  const receivedBefore = onec.received.length;

  const restoreStarted = Date.now();
  // Redis holds nothing durable, but it remembers jobs of events the restored database has lost track of: the apps
  // start on an empty one after a restore (the runbook's step), so the outbox re-enqueues what it has not delivered.
  await redis.down();
  await redis.up();
  cluster.restore();
  await waitUntil(
    async () => {
      const probe = new Client({ connectionString: cluster.url });
      await probe.connect();
      try {
        return !(await probe.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r')).rows[0].r;
      } finally {
        await probe.end();
      }
    },
    'promotion',
    600_000,
  );
  const copyAndReplayS = (Date.now() - restoreStarted) / 1000;
  const appsStarted = Date.now();
  await system.start();
  await waitUntil(() => system.ready(), '/health/ready 200 on the restored cluster', 600_000);
  const readyAt = Date.now();

  const recovered = await statuses(cluster.url);
  const present = (ack: Ack) => (recovered.get(ack.deliveryId) ?? -1) >= ack.step;
  const beforeArchive = system.acks.filter((ack) => ack.at < lastArchived);
  const missingBeforeArchive = beforeArchive.filter((ack) => !present(ack)).length;
  const lost = system.acks.filter((ack) => !present(ack));
  const kept = system.acks.filter(present);
  const newestKept = Math.max(...kept.map((ack) => ack.at));
  const lastLost = lost.length > 0 ? Math.max(...lost.map((ack) => ack.at)) : undefined;
  const rpoS = lastLost === undefined ? 0 : Math.max(0, (lastLost - newestKept) / 1000);

  // The outbox resumes: every delivery recovered as delivered has its confirmation at 1C.
  const deliveredIds = [...recovered].filter(([, rank]) => rank === 3).map(([id]) => id);
  const confirmedIds = () =>
    new Set(onec.received.filter((push) => push.status === 200).map((push) => confirmationOf(push.body)));
  await waitUntil(
    async () => deliveredIds.every((id) => confirmedIds().has(id)) && (await outboxBacklog(cluster.url)) === 0,
    'every recovered confirmation at 1C',
    180_000,
  );
  // Pushes after the restore of keys 1C had before: re-sends of events whose `delivered` mark was in the lost WAL.
  const keysBefore = new Set(onec.received.slice(0, receivedBefore).map((push) => push.idempotencyKey));
  const afterRestore = onec.received.slice(receivedBefore);
  const resent = afterRestore.filter((push) => keysBefore.has(push.idempotencyKey));
  const resentKeys = new Set(resent.map((push) => push.idempotencyKey));
  const keyCounts = new Map<string, number>();
  for (const push of onec.received.filter((p) => p.status === 200)) {
    keyCounts.set(push.idempotencyKey ?? '', (keyCounts.get(push.idempotencyKey ?? '') ?? 0) + 1);
  }
  // A key pushed twice before the destruction, or more than once after it, is not explained by the lost WAL.
  const unexplained = [...keyCounts].filter(([key, count]) => count > (resentKeys.has(key) ? 2 : 1)).length;
  return {
    rtoS: (readyAt - destroyedAt) / 1000,
    rpoS,
    acked: system.acks.length,
    ackedBeforeArchive: beforeArchive.length,
    missingBeforeArchive,
    lostAfterArchive: lost.length,
    segments,
    deliveredRecovered: deliveredIds.length,
    confirmedAfterRestore: true,
    resentLostMarks: resentKeys.size,
    unexplainedDuplicates: unexplained,
    restoreSteps: {
      teardownS: (restoreStarted - destroyedAt) / 1000,
      copyAndReplayS,
      appsS: (readyAt - appsStarted) / 1000,
    },
  };
}

async function redisDrill(
  databaseUrl: string,
  redis: RedisServerProcess,
  system: System,
  onec: FakeOnecHttpService,
): Promise<RedisFigures> {
  const receivedBefore = onec.received.length;
  const acksBefore = system.acks.length;
  const logsBefore = system.worker!.logs.length;
  console.log(`Redis drill: load for ${REDIS_LOAD_SECONDS} s, Redis replaced by an empty one halfway…`);
  const loading = system.load('redis');
  await sleep((REDIS_LOAD_SECONDS * 1000) / 2);
  await redis.down();
  await redis.up();
  console.log('Redis killed and restarted empty');
  await sleep((REDIS_LOAD_SECONDS * 1000) / 2);
  system.stopLoad();
  await loading;
  const stoppedAt = Date.now();
  const delivered = new Set(
    system.acks
      .slice(acksBefore)
      .filter((ack) => ack.step === 3)
      .map((ack) => ack.deliveryId),
  );
  const confirmed = () =>
    new Set(
      onec.received
        .slice(receivedBefore)
        .filter((push) => push.status === 200)
        .map((push) => confirmationOf(push.body)),
    );
  await waitUntil(
    async () => [...delivered].every((id) => confirmed().has(id)) && (await outboxBacklog(databaseUrl)) === 0,
    'every confirmation at 1C after the Redis loss',
    300_000,
  );
  const pushes = onec.received.slice(receivedBefore).filter((push) => confirmationOf(push.body));
  return {
    delivered: delivered.size,
    confirmed: [...delivered].filter((id) => confirmed().has(id)).length,
    duplicates: pushes.filter((push) => push.duplicate).length,
    secondsToDrain: (Date.now() - stoppedAt) / 1000,
    // What the reconcile re-published from the outbox: the events whose jobs the empty Redis no longer had.
    republished: [...system.worker!.logs.slice(logsBefore).matchAll(/Re-published (\d+) dispatched event/g)].reduce(
      (sum, match) => sum + Number(match[1]),
      0,
    ),
  };
}

async function writeDoc(restore: RestoreFigures | undefined, redis: RedisFigures): Promise<void> {
  const cpu = cpus();
  const rows: string[] = [];
  if (restore) {
    rows.push(
      `| RTO: destruction → \`/health/ready\` 200 on the restored cluster | ${restore.rtoS.toFixed(1)} s (load stopped and apps killed ${restore.restoreSteps.teardownS.toFixed(1)} s, base copy + WAL replay + promotion ${restore.restoreSteps.copyAndReplayS.toFixed(1)} s, apps ${restore.restoreSteps.appsS.toFixed(1)} s) | ≤ 15 min: ${restore.rtoS <= RTO_TARGET_S ? 'met' : 'NOT met'} |`,
      `| RPO: last acknowledged write lost → newest recovered | ${restore.rpoS.toFixed(1)} s | ≤ 5 min: ${restore.rpoS <= RPO_TARGET_S ? 'met' : 'NOT met'} |`,
      `| writes acknowledged (creations and status changes) | ${restore.acked} | |`,
      `| acknowledged before the newest archived segment, missing after the restore | ${restore.missingBeforeArchive} of ${restore.ackedBeforeArchive} | 0 |`,
      `| acknowledged writes lost (after the newest archived segment) | ${restore.lostAfterArchive} | within the RPO |`,
      `| WAL segments archived before the destruction | ${restore.segments} | |`,
      `| deliveries recovered as delivered, each confirmation at 1C after the restore | ${restore.deliveredRecovered}, all | all |`,
      `| confirmations re-sent after the restore (their \`delivered\` mark was in the lost WAL; same Idempotency-Key, 1C de-duplicates) | ${restore.resentLostMarks} | |`,
      `| events pushed twice otherwise | ${restore.unexplainedDuplicates} | 0 |`,
    );
  }
  rows.push(
    `| Redis loss: deliveries delivered during the load | ${redis.delivered} | |`,
    `| Redis loss: their confirmations at 1C | ${redis.confirmed} | all |`,
    `| Redis loss: re-publications by the reconcile of dispatched events whose jobs were gone (worker log; an event may count more than once) | ${redis.republished} | |`,
    `| Redis loss: confirmations 1C received twice | ${redis.duplicates} | 0 |`,
    `| Redis loss: load stopped → outbox drained | ${redis.secondsToDrain.toFixed(1)} s | |`,
  );
  const section = [
    '## Figures',
    '',
    `Last run: ${new Date().toISOString()} on \`${hostname()}\`, Node ${process.version}, ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}; ` +
      `PostgreSQL ${pgBin('postgres').split('/')[4]} (a private cluster on a spare port), \`archive_timeout\` ${ARCHIVE_TIMEOUT_S} s, ` +
      `load ${LOAD_SECONDS} s with ${CONCURRENCY} clients before the destruction, Redis drill ${REDIS_LOAD_SECONDS} s.`,
    '',
    '| measure | figure | target |',
    '| --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
  console.log(section);
  // The doc's figures are the full drill's RTO and RPO: a Redis-only run printing over them would erase them.
  if (restore) {
    await rewriteSection(join(findRepoRoot(), 'docs', 'operations', 'drills.md'), '## Figures', section);
  }
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'mm-drill-'));
  chmodSync(root, 0o755);
  const cluster = new PitrCluster(root, await freePort());
  const redis = await RedisServerProcess.start();
  const onec = await FakeOnecHttpService.start({ login: 'drill', password: 'drill-password' });
  let system: System | undefined;
  try {
    cluster.init();
    cluster.start();
    await migrateBuiltSchema(cluster.url);
    if (!ONLY_REDIS) {
      cluster.baseBackup();
      console.log(`cluster on port ${cluster.port}, base backup taken, archive in ${cluster.archive}`);
    }
    const env = {
      NODE_ENV: 'test',
      DATABASE_URL: cluster.url,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: 'mmdrill',
      DB_MIGRATIONS_RUN: 'false',
      LOG_LEVEL: 'warn',
      WORKER_OPS_PORT: '0',
      PORT: String(await freePort()),
      ONEC_HTTP_BASE_URL: onec.url,
      ONEC_HTTP_LOGIN: 'drill',
      ONEC_HTTP_PASSWORD: 'drill-password',
      EVENTS_RECONCILE_AFTER_MS: '5000',
    };
    system = new System(env, Number(env.PORT));
    await system.start();
    await waitUntil(() => system!.ready(), '/health/ready 200');
    await system.seed();
    const restore = ONLY_REDIS ? undefined : await restoreDrill(cluster, redis, system, onec);
    const redisFigures = await redisDrill(cluster.url, redis, system, onec);
    await writeDoc(restore, redisFigures);
    const failed =
      (restore &&
        (restore.rtoS > RTO_TARGET_S ||
          restore.rpoS > RPO_TARGET_S ||
          restore.missingBeforeArchive > 0 ||
          restore.unexplainedDuplicates > 0)) ||
      redisFigures.duplicates > 0 ||
      redisFigures.confirmed < redisFigures.delivered;
    if (failed) {
      console.error('DRILL FAILED: see the table');
      process.exitCode = 1;
    }
  } finally {
    system?.stopLoad();
    await system?.kill();
    cluster.stop();
    await redis.down();
    await onec.stop();
    await sleep(500);
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
