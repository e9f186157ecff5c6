/**
 * `npm run bench:bitrix24`: 5,000 product upserts through the whole outbound path (outbox → relay → one worker
 * process → batching consumer → shared limiter → fake Bitrix24 at the standard plan's 50 burst / 2 req/s).
 * Prints a markdown section, checks for duplicates, and rewrites the "Bitrix24 connector" section of
 * docs/benchmarks.md. Not part of the test suite: it takes
 * about a minute by design (the portal's limit).
 */
import 'reflect-metadata';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppProcess, FakeBitrix24 } from '@app/testing';
import { Client } from 'pg';
import { stringify } from 'yaml';
import { createBenchDatabase } from './support/bench-database';
import { updateBenchmarksSection } from './support/benchmarks-doc';

const UPSERTS = Number(process.env.BENCH_UPSERTS ?? 5_000);
const BURST = Number(process.env.BENCH_BURST ?? 50);
const RATE = Number(process.env.BENCH_RATE ?? 2);
const BATCH = 50;
const IBLOCK = 23;

async function main(): Promise<void> {
  const bench = await createBenchDatabase('b24');
  const fake = await FakeBitrix24.start({ limits: { burst: BURST, drainPerSec: RATE }, catalogIblockIds: [IBLOCK] });
  const mappingFile = join(mkdtempSync(join(tmpdir(), 'mm-b24-bench-')), 'mapping.yaml');
  writeFileSync(
    mappingFile,
    stringify({
      entities: { product: { iblockId: IBLOCK, fields: { name: 'name', price: 'purchasingPrice', article: 'code' } } },
    }),
  );
  const db = new Client({ connectionString: bench.databaseUrl });
  await db.connect();
  const env = {
    ...bench.env,
    EVENTS_RELAY_POLL_INTERVAL_MS: '100',
    BITRIX24_WEBHOOK_URL: fake.webhookUrl,
    BITRIX24_MAPPING_FILE: mappingFile,
    BITRIX24_RATE_BURST: String(BURST),
    BITRIX24_RATE_PER_SECOND: String(RATE),
    BITRIX24_RECONCILE_INTERVAL_MS: '0',
  };
  let worker: AppProcess | undefined;
  try {
    // The backlog a 1C catalogue import leaves: one upsert request per product, committed before the worker starts.
    await db.query(
      `INSERT INTO outbox_events (id, destination, type, subject, source, time, data)
       SELECT gen_random_uuid(), 'bitrix24', 'mastermobile.bitrix24.upsert_requested.v1', 'product:p-' || i, '/bench', now(),
              jsonb_build_object('kind', 'product', 'externalId', 'p-' || i,
                'fields', jsonb_build_object('name', 'Product ' || i, 'price', 100 + i, 'article', 'ART-' || i))
         FROM generate_series(1, $1) AS i`,
      [UPSERTS],
    );
    const started = Date.now();
    worker = AppProcess.start('testWorker', env);
    await waitDelivered(db, UPSERTS, worker);
    const wallSeconds = (Date.now() - started) / 1000;
    if (process.env.BENCH_LOG_LEVEL) {
      process.stdout.write(`${worker.logs}\nfirst request after ${(fake.requests[0].at - started) / 1000} s\n`);
    }

    const calls = fake.requests.filter((request) => request.method !== 'oauth/token');
    const writes = calls.filter((request) => request.method === 'batch');
    const commandsPer = (request: (typeof calls)[number]) =>
      Object.keys((request.params.cmd as object | undefined) ?? {}).length;
    const first = calls[0].at;
    const last = calls[calls.length - 1].at;
    const activeSeconds = (last - first) / 1000;
    // Steady state: once the burst is spent, the drain rate is the only ceiling.
    const steady = calls.slice(BURST);
    const steadySeconds = steady.length > 1 ? (steady[steady.length - 1].at - calls[BURST - 1].at) / 1000 : Number.NaN;
    const steadyUpserts = steady.reduce((sum, request) => sum + commandsPer(request), 0);
    const steadyRate = steadyUpserts / steadySeconds;
    const ceiling = BATCH * RATE;
    const burstCeiling = ((BURST + RATE * activeSeconds) * BATCH) / activeSeconds;
    const overallRate = UPSERTS / activeSeconds;
    const products = fake.products();
    const distinct = new Set(products.map((product) => product.xmlId)).size;
    const section = `## Bitrix24 connector (\`npm run bench:bitrix24\`)

${new Date().toISOString().slice(0, 10)}, ${cpus().length} vCPU, Node.js ${process.version}. ${UPSERTS.toLocaleString('en')} product upserts committed to
the outbox, then one worker process started: relay → \`bitrix24\` consumer (200 jobs in flight) → batcher → shared
Redis leaky bucket → fake Bitrix24 with the standard plan's limits (burst ${BURST}, ${RATE} req/s drain).

| figure | value |
| --- | --- |
| requests to the portal (batch, avg commands) | ${calls.length} (${writes.length} batch, ${(writes.reduce((sum, request) => sum + commandsPer(request), 0) / writes.length).toFixed(1)} commands each) |
| first to last request | ${activeSeconds.toFixed(1)} s (wall time from worker start ${wallSeconds.toFixed(1)} s) |
| **steady-state throughput** (after the burst) | **${steadyRate.toFixed(1)} upserts/s = ${((steadyRate / ceiling) * 100).toFixed(1)} % of the ceiling** (${BATCH} × ${RATE} req/s = ${ceiling}/s) |
| overall throughput incl. the initial burst | ${overallRate.toFixed(1)} upserts/s = ${((overallRate / burstCeiling) * 100).toFixed(1)} % of the burst-adjusted ceiling (${burstCeiling.toFixed(1)}/s) |
| portal refusals (503 / 429) | ${fake.stats.served503} / ${fake.stats.served429} (max bucket fill ${fake.stats.maxBucketFill.toFixed(2)} of ${BURST}) |
| products in the portal / distinct xmlId / expected | ${products.length} / ${distinct} / ${UPSERTS} |

Target: >= 90 % of the ceiling with 0 duplicates. The initial burst is not fully used: the relay hands the backlog
to the queue over the first seconds, so the first batches are partial; once the bucket is the bottleneck every batch
carries 50 commands, which is what the steady-state figure measures.
`;
    process.stdout.write(`${section}\n`);
    if (products.length !== UPSERTS || distinct !== UPSERTS) {
      throw new Error('duplicates or missing products: the figures above are not valid');
    }
    await updateBenchmarksSection(section);
  } finally {
    await worker?.stop();
    await db.end();
    await fake.stop();
    await bench.drop();
  }
}

async function waitDelivered(db: Client, total: number, worker: AppProcess): Promise<void> {
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM outbox_events WHERE status = 'delivered'`,
    );
    if (rows[0].n >= total) {
      return;
    }
    if (Date.now() > deadline || worker.child.exitCode !== null) {
      throw new Error(`only ${rows[0].n} of ${total} delivered; worker output:\n${worker.logs.slice(-3000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
