/**
 * `npm run bench:reports`: the back-office reports on a million rows each. A fresh database gets 1,000,000 rows in
 * each report's table (outbox events, dead letters, 1C exchange sessions, deliveries with an outcome, collisions),
 * spread evenly over 2026, written by `INSERT … SELECT generate_series` and ANALYZEd; the API, started from the build,
 * then answers each report (JSON) over one month and over the whole year, BENCH_RUNS times each (default 5). Prints
 * the median and the slowest answer per report and range, with the rows each had, and rewrites the "Back-office
 * reports" section of docs/benchmarks.md. Target: each well under a second. BENCH_KEEP_DATABASE=1 keeps the database
 * (its URL is printed) to EXPLAIN the queries.
 */
import 'reflect-metadata';
import { cpus } from 'node:os';
import { loadConfig } from '@app/core';
import { AppProcess, tokenFor, waitFor } from '@app/testing';
import { Client } from 'pg';
import { createBenchDatabase } from './support/bench-database';
import { updateBenchmarksSection } from './support/benchmarks-doc';
import { freePort } from './support/free-port';

const ROWS = 1_000_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const REPORTS = ['sync-lag', 'dead-letters', 'exchange-sessions', 'deliveries', 'collisions'] as const;
const RANGES = {
  month: { from: '2026-06-01T00:00:00Z', to: '2026-07-01T00:00:00Z' },
  year: { from: '2026-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z' },
} as const;

/** Row `g` of a million happens at `t`: evenly over 2026 (one every 31.5 s). */
const SERIES = `generate_series(1, ${ROWS}) AS g, LATERAL (SELECT timestamptz '2026-01-01Z' + g * interval '31.5 seconds' AS t) AS at`;

/** One statement per table; the outbox's per-row trigger (queueing behind open events) is off while filling. */
const FILL: Record<string, string> = {
  outbox_events: `
    INSERT INTO outbox_events (id, destination, type, subject, source, time, data, status, created_at, dispatched_at,
                               delivered_at)
    SELECT gen_random_uuid(), (ARRAY['onec', 'bitrix24', 'cash', 'sla'])[1 + g % 4],
           'mastermobile.kind' || (g % 6) || '.v1', 'delivery:' || (g % 50000), 'bench', t, '{}',
           CASE WHEN g % 200 = 0 THEN 'dead' ELSE 'delivered' END, t, t,
           CASE WHEN g % 200 = 0 THEN NULL ELSE t + (g % 9973) * interval '1 millisecond' END
      FROM ${SERIES}`,
  dead_letters: `
    INSERT INTO dead_letters (event_id, destination, type, subject, envelope, attempts, first_failed_at, last_failed_at,
                              error_code, error_message, reason, status, created_at, resolved_at)
    SELECT gen_random_uuid(), (ARRAY['onec', 'bitrix24', 'cash'])[1 + g % 3], 'mastermobile.kind' || (g % 6) || '.v1',
           'delivery:' || g, '{}', 5, t - interval '5 minutes', t, 'ERROR_' || (g % 12), 'refused', 'permanent',
           (ARRAY['open', 'replayed', 'discarded'])[1 + g % 3], t,
           CASE WHEN g % 3 = 0 THEN NULL ELSE t + interval '1 hour' END
      FROM ${SERIES}`,
  onec_exchange_sessions: `
    INSERT INTO onec_exchange_sessions (id, type, state, login, cookie_hash, sessid, files_uploaded, records_imported,
                                        orders_exported, created_at, last_seen_at, expires_at, finished_at)
    SELECT gen_random_uuid(), (ARRAY['catalog', 'sale'])[1 + g % 2],
           (ARRAY['completed', 'completed', 'completed', 'failed', 'expired'])[1 + g % 5], '1c-exchange',
           md5(g::text), md5(g::text), g % 4, g % 5000, g % 30, t, t + (g % 600) * interval '1 second',
           t + interval '1 hour', CASE WHEN g % 5 = 4 THEN NULL ELSE t + (g % 600) * interval '1 second' END
      FROM ${SERIES}`,
  deliveries: `
    INSERT INTO deliveries (id, onec_document_id, document_type, document_number, document_date, counterparty_id,
                            address, warehouse_id, courier_id, items, total, cash_on_delivery, status, outcome,
                            outcome_status, outcome_at, created_at, updated_at)
    SELECT gen_random_uuid(), 'doc-' || g, 'sales', 'B-' || g, t::date, 'acme', 'Москва', 'store',
           'courier-' || (g % 200), '[]', 99.80, 99.80, o.status,
           jsonb_build_object('status', o.status, 'occurredAt', t), o.status, t, t - interval '3 hours', t
      FROM ${SERIES}, LATERAL (SELECT (ARRAY['delivered', 'delivered', 'delivered', 'partially_delivered',
                                              'failed'])[1 + g % 5] AS status) AS o`,
  collisions: `
    INSERT INTO collisions (id, domain, entity_type, entity_id, field, proposed, proposed_by, held, status, resolution,
                            decision, resolved_at, created_at)
    SELECT gen_random_uuid(), (ARRAY['deliveries', 'returns', 'instant-orders'])[1 + g % 3], 'record', g::text,
           (ARRAY['content', 'status'])[1 + g % 2], '{}', '1c', '{}', r.status,
           CASE WHEN r.decision IS NULL THEN NULL
                ELSE jsonb_build_object('decision', r.decision, 'resolvedAt', t + (g % 7200) * interval '1 second') END,
           r.decision, CASE WHEN r.decision IS NULL THEN NULL ELSE t + (g % 7200) * interval '1 second' END, t
      FROM ${SERIES}, LATERAL (SELECT CASE WHEN g % 10 = 0 THEN 'open' ELSE 'resolved' END AS status,
                                      (ARRAY[NULL, 'accept_1c', 'accept_middleware', 'edit', 'accept_1c', 'accept_1c',
                                             'accept_middleware', 'edit', 'accept_1c', 'accept_1c'])[1 + g % 10]
                                        AS decision) AS r`,
};

interface Timing {
  readonly report: string;
  readonly range: keyof typeof RANGES;
  readonly rows: number;
  readonly medianMs: number;
  readonly maxMs: number;
}

async function fill(databaseUrl: string): Promise<Record<string, number>> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const seconds: Record<string, number> = {};
  try {
    await client.query(`SET session_replication_role = replica`);
    for (const [table, sql] of Object.entries(FILL)) {
      const started = performance.now();
      await client.query(sql);
      await client.query(`VACUUM ANALYZE ${table}`);
      seconds[table] = (performance.now() - started) / 1000;
      console.log(`${table}: ${ROWS} rows in ${seconds[table].toFixed(1)} s`);
    }
  } finally {
    await client.end();
  }
  return seconds;
}

async function main(): Promise<void> {
  const bench = await createBenchDatabase('reports');
  const port = await freePort();
  const env = { ...bench.env, PORT: String(port) };
  const token = tokenFor(loadConfig(env), 'admin');
  const fillSeconds = await fill(bench.databaseUrl);
  const api = AppProcess.start('api', env);
  const timings: Timing[] = [];
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${base}/health/live`).catch(() => undefined))?.ok, {
      what: 'the API',
      timeoutMs: 60_000,
    });
    for (const report of REPORTS) {
      for (const [range, { from, to }] of Object.entries(RANGES) as [
        keyof typeof RANGES,
        { from: string; to: string },
      ][]) {
        const url = `${base}/api/v1/admin/reports/${report}?from=${from}&to=${to}`;
        const durations: number[] = [];
        let rows = 0;
        // One run first, not counted: the API's first call of a route and PostgreSQL's first read of the pages.
        for (let run = 0; run <= RUNS; run += 1) {
          const started = performance.now();
          const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
          const body = (await response.json()) as { rows?: unknown[] };
          const elapsed = performance.now() - started;
          if (response.status !== 200) {
            throw new Error(`${report}: ${response.status} ${JSON.stringify(body)}`);
          }
          rows = body.rows?.length ?? 0;
          if (run > 0) {
            durations.push(elapsed);
          }
        }
        durations.sort((a, b) => a - b);
        const timing = {
          report,
          range,
          rows,
          medianMs: durations[Math.floor(durations.length / 2)],
          maxMs: durations[durations.length - 1],
        };
        console.log(JSON.stringify(timing));
        timings.push(timing);
      }
    }
  } finally {
    await api.stop();
    if (process.env.BENCH_KEEP_DATABASE === '1') {
      console.log(`kept ${bench.databaseUrl}`);
    } else {
      await bench.drop();
    }
  }
  await writeSection(timings, fillSeconds);
}

async function writeSection(timings: readonly Timing[], fillSeconds: Record<string, number>): Promise<void> {
  const cpu = cpus();
  const slowest = Math.max(...timings.map((timing) => timing.medianMs));
  const lines = [
    `Node ${process.version}, ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}; the API started from the build ` +
      `(\`node dist/apps/api/src/main.js\`), PostgreSQL on the same machine. Each report's table holds ` +
      `${ROWS.toLocaleString('en')} rows spread evenly over 2026 (filled with \`INSERT … SELECT generate_series\`, ` +
      `then VACUUM ANALYZE: ${Object.entries(fillSeconds)
        .map(([table, seconds]) => `${table} ${seconds.toFixed(0)} s`)
        .join(', ')}). Times are of the whole HTTP answer (JSON), the median and slowest of ${RUNS} runs after ` +
      'one uncounted run; a month is June 2026 (about 82,000 rows of each table), the year is 2026.',
    '',
    '| report | range | rows in the answer | median | slowest |',
    '| --- | --- | ---: | ---: | ---: |',
    ...timings.map(
      (timing) =>
        `| \`${timing.report}\` | ${timing.range} | ${timing.rows} | ${timing.medianMs.toFixed(0)} ms | ${timing.maxMs.toFixed(0)} ms |`,
    ),
    '',
    `Target: each report well under a second on a million rows: ${slowest < 1000 ? 'met' : 'NOT met'} (slowest median ` +
      `${slowest.toFixed(0)} ms).`,
  ];
  const section = ['## Back-office reports (`npm run bench:reports`)', '', ...lines].join('\n');
  console.log(section);
  await updateBenchmarksSection(section);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
