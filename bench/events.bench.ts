/**
 * `npm run bench:events`: throughput and latency of the event backbone on this machine, with real processes.
 * A fresh database and Redis key prefix; worker processes (BENCH_WORKERS, default 1) running the recording test
 * consumer (its effect is a row insert in the delivery transaction). Prints a markdown table and rewrites the
 * "Event backbone" section of docs/benchmarks.md. Knobs: BENCH_EVENTS, BENCH_SUBJECTS, BENCH_CONCURRENCY.
 */
import 'reflect-metadata';
import { cpus, loadavg } from 'node:os';
import { AppProcess, TEST_CONSUMER_DDL } from '@app/testing';
import { Client } from 'pg';
import { createBenchDatabase } from './support/bench-database';
import { updateBenchmarksSection } from './support/benchmarks-doc';

const BACKLOG = Number(process.env.BENCH_EVENTS ?? 20_000);
const SUBJECTS = Number(process.env.BENCH_SUBJECTS ?? 2_000);
const CONCURRENCY = process.env.BENCH_CONCURRENCY ?? '32';
const WORKERS = Number(process.env.BENCH_WORKERS ?? 1);

interface Figures {
  readonly drainSeconds: number;
  readonly bootSeconds: number;
  readonly drainRate: number;
  readonly steadyRate: number;
  readonly steadyPublishP50: number;
  readonly steadyPublishP95: number;
  readonly steadyDeliveryP95: number;
  readonly idlePublishP50: number;
  readonly idlePublishP95: number;
  readonly idleDeliveryP95: number;
}

async function main(): Promise<void> {
  const bench = await createBenchDatabase('events');
  const db = new Client({ connectionString: bench.databaseUrl });
  await db.connect();
  await db.query(TEST_CONSUMER_DDL);
  const env = {
    ...bench.env,
    WORKER_CONCURRENCY: CONCURRENCY,
    DATABASE_POOL_SIZE: '20',
    // e.g. BENCH_WORKER_NODE_OPTIONS=--cpu-prof to profile the worker.
    ...(process.env.BENCH_WORKER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_WORKER_NODE_OPTIONS } : {}),
  };
  let workers: AppProcess[] = [];
  try {
    // 1. Backlog drain: events committed while no worker runs, then one worker starts.
    await insertEvents(db, BACKLOG, SUBJECTS, 'backlog');
    const coldStart = Date.now();
    workers = Array.from({ length: WORKERS }, () => AppProcess.start('testWorker', env));
    const worker = workers[0];
    await Promise.all(workers.map((started) => started.waitForOutput(/Test worker \d+ started/, 60_000)));
    const drainStarted = Date.now();
    await waitDelivered(db, BACKLOG, worker);
    const drainSeconds = (Date.now() - drainStarted) / 1000;
    const bootSeconds = (drainStarted - coldStart) / 1000;

    // 2. Steady state: producers commit batches continuously while the worker consumes.
    const steadyTotal = Math.min(BACKLOG, 10_000);
    const steadyStarted = Date.now();
    for (let sent = 0; sent < steadyTotal; sent += 100) {
      await insertEvents(db, 100, SUBJECTS, 'steady');
    }
    await waitDelivered(db, BACKLOG + steadyTotal, worker);
    const steadySeconds = (Date.now() - steadyStarted) / 1000;
    const steady = await latencies(db, 'steady');

    // 3. Idle: one event at a time into a quiet system, the LISTEN/NOTIFY wake-up path.
    for (let index = 0; index < 200; index += 1) {
      await insertEvents(db, 1, 1, `idle-${index}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await waitDelivered(db, BACKLOG + steadyTotal + 200, worker);
    const idle = await latencies(db, 'idle-');

    const figures: Figures = {
      drainSeconds,
      bootSeconds,
      drainRate: BACKLOG / drainSeconds,
      steadyRate: steadyTotal / steadySeconds,
      steadyPublishP50: steady.publishP50,
      steadyPublishP95: steady.publishP95,
      steadyDeliveryP95: steady.deliveryP95,
      idlePublishP50: idle.publishP50,
      idlePublishP95: idle.publishP95,
      idleDeliveryP95: idle.deliveryP95,
    };
    const [{ effects, distinct }] = (
      await db.query<{ effects: number; distinct: number }>(
        'SELECT count(*)::int AS effects, count(DISTINCT event_id)::int AS distinct FROM test_event_effects',
      )
    ).rows;
    await report(figures, { effects, distinct, expected: BACKLOG + steadyTotal + 200 });
  } finally {
    // A graceful stop first, so a profiling worker (--cpu-prof) gets to write its profile.
    workers.forEach((worker) => worker.signal('SIGTERM'));
    await Promise.race([
      Promise.all(workers.map((worker) => worker.waitForExit())),
      new Promise((resolve) => setTimeout(resolve, 10_000)),
    ]);
    await Promise.all(workers.map((worker) => worker.stop()));
    await db.end();
    await bench.drop();
  }
}

/**
 * Inserts events the way the publisher does (one multi-row insert per transaction). Subjects rotate across
 * batches, so every subject keeps receiving events and per-subject ordering stays in play.
 */
let nextSubject = 0;
async function insertEvents(db: Client, count: number, subjects: number, tag: string): Promise<void> {
  await db.query(
    `INSERT INTO outbox_events (id, destination, type, subject, source, time, data, entity_version)
     SELECT gen_random_uuid(), 'test.recorder', 'mastermobile.bench.event.v1', $2 || ':' || ((i + $4) % $3), '/bench',
            now(), '{}'::jsonb, i
       FROM generate_series(1, $1) AS i`,
    [count, tag, subjects, nextSubject],
  );
  nextSubject = (nextSubject + count) % subjects;
}

async function waitDelivered(db: Client, total: number, worker: AppProcess): Promise<void> {
  const deadline = Date.now() + 10 * 60_000;
  await worker.waitForOutput(/Test worker \d+ started/, 60_000);
  for (;;) {
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM outbox_events WHERE status = 'delivered'`,
    );
    if (rows[0].n >= total) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `only ${rows[0].n} of ${total} delivered after 10 minutes; worker output:\n${worker.logs.slice(-3000)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function latencies(
  db: Client,
  tag: string,
): Promise<{ publishP50: number; publishP95: number; deliveryP95: number }> {
  const { rows } = await db.query<{ p50: number; p95: number; d95: number }>(
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM dispatched_at - created_at)) * 1000 AS p50,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM dispatched_at - created_at)) * 1000 AS p95,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM delivered_at - created_at)) * 1000 AS d95
       FROM outbox_events WHERE subject LIKE $1 || '%'`,
    [tag],
  );
  return { publishP50: rows[0].p50, publishP95: rows[0].p95, deliveryP95: rows[0].d95 };
}

async function report(figures: Figures, check: { effects: number; distinct: number; expected: number }): Promise<void> {
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  const section = `## Event backbone (\`npm run bench:events\`)

${WORKERS} worker process(es) (\`WORKER_CONCURRENCY=${CONCURRENCY}\`, \`EVENTS_BUNDLE_SIZE\` default 20, pool 20) with the
recording consumer (a row insert in the delivery transaction, plus the processed-event records and the outbox status
updates); relay and consumer in the same process; PostgreSQL and Redis on the same ${cpus().length}-vCPU machine,
which other work was sharing (load average ${loadavg()[0].toFixed(1)} at the end of the run). Events spread over
${SUBJECTS} subjects, per-subject head-of-line ordering on. Measured ${new Date().toISOString().slice(0, 10)}.

| scenario | figure |
| --- | ---: |
| backlog drain: ${BACKLOG.toLocaleString('en')} committed events, from worker ready (boot took ${figures.bootSeconds.toFixed(1)} s) | ${figures.drainRate.toFixed(0)} events/s (${figures.drainSeconds.toFixed(1)} s) |
| steady state: producers commit batches of 100 while the worker consumes | ${figures.steadyRate.toFixed(0)} events/s |
| steady state, commit → queue (publish latency) p50 / p95 | ${ms(figures.steadyPublishP50)} / ${ms(figures.steadyPublishP95)} |
| steady state, commit → applied p95 | ${ms(figures.steadyDeliveryP95)} |
| idle system, single events, commit → queue p50 / p95 | ${ms(figures.idlePublishP50)} / ${ms(figures.idlePublishP95)} |
| idle system, commit → applied p95 | ${ms(figures.idleDeliveryP95)} |
| effects applied / distinct / expected | ${check.effects} / ${check.distinct} / ${check.expected} |

Target: >= 2,000 events/s end to end; publish latency p95 well under 200 ms when idle.
`;
  process.stdout.write(`${section}\n`);
  await updateBenchmarksSection(section);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
