/**
 * `npm run bench:deliveries`: the courier's status door with real processes (the API and a worker as the image runs
 * them, a fresh database and Redis prefix, the fake 1C HTTP service in this process).
 * (a) Latency: outcome reports at BENCH_RATE per second (default 50) for BENCH_SECONDS (default 120) through
 *     `POST /api/v1/deliveries/{id}/status`; per report, the time from sending it to the fake 1C receiving its
 *     execution confirmation (through the outbox, the relay, BullMQ and the worker's push). Target p95 <= 1 s.
 * (b) Throughput at saturation (BENCH_CONCURRENCY requests in flight, default 32, BENCH_REQUESTS each, default
 *     3,000): the status endpoint, against a bare node:http + pg server in this process running the same
 *     transaction on the same database (idempotency key, locked read, state change, audit row, outbox row).
 *     Target >= 0.8x. The worker is paused (SIGSTOP) for both runs, and each prints the CPU it cost the API,
 *     PostgreSQL and this process per request (from /proc, at Linux's 100 ticks a second).
 * Prints a markdown table and rewrites the "Deliveries" section of docs/benchmarks.md.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { loadConfig } from '@app/core';
import { AppProcess, FakeOnecHttpService, tokenFor } from '@app/testing';
import { Pool } from 'pg';
import { createBenchDatabase } from './support/bench-database';
import { freePort } from './support/free-port';
import { updateBenchmarksSection } from './support/benchmarks-doc';

const RATE = Number(process.env.BENCH_RATE ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 120);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 3_000);
const COURIERS = 20;
const guid = (n: number) => `be4c0000-0000-4000-8000-${n.toString().padStart(12, '0')}`;
const [UNIT, WATER, STORE, ACME] = ['796', guid(1), guid(2), guid(3)];
const courierOf = (n: number) => guid(1_000 + (n % COURIERS));

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** Runs `count` calls of `call(i)` with `concurrency` in flight; returns requests per second. */
async function saturate(count: number, concurrency: number, call: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        await call(next++);
      }
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

/** CPU seconds (user + system) a process has used so far, from /proc; 0 for a process that has gone. */
function cpuSecondsOf(pid: number): number {
  try {
    // Fields after the command (which may hold spaces) start at state; utime and stime are the 12th and 13th of them.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** Every PostgreSQL server process on the machine (the postmaster, its backends and helpers). */
function postgresCpuSeconds(): number {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .reduce((sum, pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres' ? sum + cpuSecondsOf(Number(pid)) : sum;
      } catch {
        return sum;
      }
    }, 0);
}

interface CpuShare {
  readonly api: number;
  readonly postgres: number;
  readonly bench: number;
}

/** What `run` cost each process, in CPU milliseconds per request. */
async function cpuPerRequest(
  apiPid: number,
  requests: number,
  run: () => Promise<number>,
): Promise<{ rate: number; cpu: CpuShare }> {
  const sample = (): CpuShare => {
    const own = process.cpuUsage();
    return {
      api: cpuSecondsOf(apiPid),
      postgres: postgresCpuSeconds(),
      bench: (own.user + own.system) / 1e6,
    };
  };
  const before = sample();
  const rate = await run();
  const after = sample();
  const perRequest = (key: keyof CpuShare) => ((after[key] - before[key]) * 1000) / requests;
  return {
    rate,
    cpu: {
      api: perRequest('api'),
      postgres: perRequest('postgres'),
      bench: perRequest('bench'),
    },
  };
}

const SHIPMENT = (n: number) => ({
  document: { type: 'sales', number: `B-${n}`, date: '2026-12-05', onecId: guid(100_000 + n) },
  counterpartyId: ACME,
  address: `Москва, ул. Ленина, ${n}`,
  warehouseId: STORE,
  courierId: courierOf(n),
  items: [{ lineNo: 1, productId: WATER, quantity: '2', price: '49.90', vatRate: '22', amount: '99.80' }],
  totals: { total: '99.80', cashOnDelivery: '99.80' },
});

async function main(): Promise<void> {
  const bench = await createBenchDatabase('deliveries');
  const onec = await FakeOnecHttpService.start({ login: 'bench', password: 'bench-password' });
  const port = await freePort();
  const env = {
    ...bench.env,
    PORT: String(port),
    ONEC_HTTP_BASE_URL: onec.url,
    ONEC_HTTP_LOGIN: 'bench',
    ONEC_HTTP_PASSWORD: 'bench-password',
    DATABASE_POOL_SIZE: '20',
  };
  const config = loadConfig(env);
  const base = `http://127.0.0.1:${port}`;
  const call = async (method: string, path: string, token: string, body?: unknown): Promise<Response> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        'idempotency-key': randomUUID(),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status >= 300) {
      throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    }
    return response;
  };
  const onecToken = tokenFor(config, '1c');
  const courierToken = (n: number) => tokenFor(config, 'courier', { courierId: courierOf(n) });
  const status = (n: number, id: string, to: string) =>
    call('POST', `/api/v1/deliveries/${id}/status`, courierToken(n), {
      status: to,
      occurredAt: new Date().toISOString(),
      ...(to === 'delivered' ? { cashCollected: '99.80' } : {}),
    });
  const created: string[] = [];
  const create = async (count: number) => {
    await saturate(count, 16, async () => {
      const n = created.length + 1;
      created.push('');
      const answer = (await (await call('POST', '/api/v1/deliveries', onecToken, SHIPMENT(n))).json()) as {
        id: string;
      };
      created[n - 1] = answer.id;
    });
  };

  // BENCH_API_NODE_OPTIONS (say `--cpu-prof --cpu-prof-dir=/tmp/prof`) profiles the API; it then stops by SIGTERM, so
  // Node writes the profile.
  const apiNodeOptions = process.env.BENCH_API_NODE_OPTIONS;
  const api = AppProcess.start('api', apiNodeOptions ? { ...env, NODE_OPTIONS: apiNodeOptions } : env);
  // The worker at info level, for its start line; the API at the benchmark's level, polled for liveness.
  const worker = AppProcess.start('worker', { ...env, LOG_LEVEL: 'info' });
  const baseline = await BaselineServer.start(bench.databaseUrl);
  try {
    await waitUntil(async () => (await fetch(`${base}/health/live`).catch(() => undefined))?.ok === true);
    await worker.waitForOutput(/Worker started/, 60_000);
    const seed: [string, unknown[]][] = [
      ['units', [{ id: UNIT, version: 1, code: UNIT, name: 'шт' }]],
      ['warehouses', [{ id: STORE, version: 1, name: 'Склад' }]],
      ['products', [{ id: WATER, version: 1, name: 'Вода', unitId: UNIT, vatRate: '22' }]],
      ['counterparties', [{ id: ACME, version: 1, type: 'organization', name: 'ООО «Ромашка»' }]],
      ['couriers', Array.from({ length: COURIERS }, (_, i) => ({ id: courierOf(i), version: 1, name: `Курьер ${i}` }))],
    ];
    for (const [kind, items] of seed) {
      await call('PUT', `/api/v1/master-data/${kind}`, onecToken, { items });
    }

    // (a) Outcome reports at a steady rate, on deliveries already in transit.
    const reports = Math.round(RATE * SECONDS);
    const setupStarted = performance.now();
    await create(reports);
    await saturate(reports, 16, async (i) => {
      await status(i + 1, created[i], 'accepted');
      await status(i + 1, created[i], 'in_transit');
    });
    const setupSeconds = (performance.now() - setupStarted) / 1000;
    const sentAt = new Map<string, number>();
    const answerMs: number[] = [];
    const paced = performance.now();
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < reports; i++) {
      const due = paced + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) {
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
      const id = created[i];
      const sent = Date.now();
      sentAt.set(id, sent);
      inFlight.push(status(i + 1, id, 'delivered').then(() => void answerMs.push(Date.now() - sent)));
    }
    await Promise.all(inFlight);
    const confirmed = () =>
      onec.received.filter(
        (push) => push.status === 200 && !push.duplicate && sentAt.has(confirmationOf(push.body) ?? ''),
      );
    await waitUntil(() => confirmed().length >= reports, 120_000);
    const latencies = confirmed().map((push) => push.receivedAt.getTime() - sentAt.get(confirmationOf(push.body)!)!);

    // (b) Saturation: `accepted` on fresh assigned deliveries, through the API and through the baseline.
    const apiStart = created.length;
    await create(REQUESTS);
    const baselineIds = await baseline.prepare(REQUESTS);
    // The endpoint alone, as the baseline runs alone: the worker (relay and consumers, which production runs on
    // other pods) is paused for both runs, so neither pays for the other's, or (a)'s, downstream work.
    worker.signal('SIGSTOP');
    const apiRun = await cpuPerRequest(api.child.pid!, REQUESTS, () =>
      saturate(REQUESTS, CONCURRENCY, async (i) => {
        await status(apiStart + i + 1, created[apiStart + i], 'accepted');
      }),
    );
    const baselineRun = await cpuPerRequest(api.child.pid!, REQUESTS, () =>
      saturate(REQUESTS, CONCURRENCY, (i) => baseline.accept(baselineIds[i])),
    );
    worker.signal('SIGCONT');

    const figures = {
      reports,
      setupSeconds,
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
      max: Math.max(...latencies),
      answerP95: percentile(answerMs, 95),
      duplicates: onec.received.filter((push) => push.duplicate).length,
      apiRate: apiRun.rate,
      baselineRate: baselineRun.rate,
      apiCpu: apiRun.cpu,
      baselineCpu: baselineRun.cpu,
    };
    await report(figures);
  } finally {
    await baseline.stop();
    if (apiNodeOptions) {
      api.signal('SIGTERM');
      await api.waitForExit();
    }
    await Promise.all([api.stop(), worker.stop()]);
    await onec.stop();
    await bench.drop();
  }
}

function confirmationOf(body: unknown): string | undefined {
  const event = body as { type?: string; data?: { deliveryId?: string } };
  return event.type === 'mastermobile.delivery.execution_confirmed.v1' ? event.data?.deliveryId : undefined;
}

async function waitUntil(done: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) {
      throw new Error('Timed out');
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The same transaction as the status door's, hand-written on node:http and pg: the idempotency key, the delivery
 * locked and changed, an audit row and an outbox row. What the framework, validation and our layers cost is the
 * difference.
 */
class BaselineServer {
  private constructor(
    private readonly pool: Pool,
    private readonly server: Server,
    private readonly url: string,
  ) {}

  static async start(databaseUrl: string): Promise<BaselineServer> {
    const pool = new Pool({ connectionString: databaseUrl, max: 20 });
    let instance: BaselineServer | undefined = undefined;
    const server = createServer((request, response) => {
      void instance!.handle(request).then(
        (body) => response.writeHead(200, { 'content-type': 'application/json' }).end(body),
        (error: Error) => response.writeHead(500).end(error.message),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    instance = new BaselineServer(pool, server, `http://127.0.0.1:${port}`);
    return instance;
  }

  /** Rows of its own (another document range), assigned, for `accept` to move. */
  async prepare(count: number): Promise<string[]> {
    const ids = Array.from({ length: count }, () => randomUUID());
    await this.pool.query(
      `INSERT INTO deliveries (id, onec_document_id, document_type, document_number, document_date, counterparty_id,
                               address, warehouse_id, courier_id, items, total, cash_on_delivery, status)
       SELECT id, 'baseline-' || id, 'sales', 'X', '2026-12-05', $2, 'Москва', $3, $4,
              '[{"lineNo":1,"productId":"p","quantity":"2.000","price":"49.90","amount":"99.80","vatRate":"22","characteristicId":null}]',
              99.80, 99.80, 'assigned'
         FROM unnest($1::uuid[]) AS id`,
      [ids, ACME, STORE, courierOf(0)],
    );
    return ids;
  }

  async accept(id: string): Promise<void> {
    const response = await fetch(`${this.url}/deliveries/${id}/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify({ status: 'accepted', occurredAt: new Date().toISOString() }),
    });
    if (response.status !== 200) {
      throw new Error(`baseline: ${response.status} ${await response.text()}`);
    }
  }

  private async handle(request: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) {
      chunks.push(chunk as Buffer);
    }
    const body = JSON.parse(Buffer.concat(chunks).toString()) as { status: string };
    const id = request.url!.split('/')[2];
    const key = String(request.headers['idempotency-key']);
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO idempotency_keys (principal, method, route, key, fingerprint, response_status, response_headers,
                                       response_body, expires_at)
         VALUES ('baseline', 'POST', '/deliveries/:id/status', $1, repeat('0', 64), 0, '{}', '', now() + interval '1 day')`,
        [key],
      );
      const { rows } = await client.query<{ status: string; version: number }>(
        'SELECT status, version FROM deliveries WHERE id = $1 FOR UPDATE',
        [id],
      );
      const answer = JSON.stringify({ id, status: body.status, version: rows[0].version + 1 });
      await client.query('UPDATE deliveries SET status = $2, version = version + 1, updated_at = now() WHERE id = $1', [
        id,
        body.status,
      ]);
      await client.query(
        `INSERT INTO audit_trail (domain, entity_type, entity_id, action, source, actor, actor_role, before, after, details)
         VALUES ('deliveries', 'delivery', $1, 'status_changed', 'courier-rest', 'baseline', 'courier', $2, $3, '{}')`,
        [id, JSON.stringify({ status: rows[0].status }), JSON.stringify({ status: body.status })],
      );
      await client.query(
        `INSERT INTO outbox_events (id, destination, type, subject, source, time, data)
         VALUES ($1, 'bench.baseline', 'mastermobile.bench.baseline.v1', $2, 'bench', now(), $3)`,
        [randomUUID(), `delivery:${id}`, answer],
      );
      await client.query(
        `UPDATE idempotency_keys SET response_status = 200, response_body = $2
          WHERE principal = 'baseline' AND method = 'POST' AND route = '/deliveries/:id/status' AND key = $1`,
        [key, answer],
      );
      await client.query('COMMIT');
      return answer;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server.close(resolve));
    await this.pool.end();
  }
}

const cpuLine = (cpu: CpuShare) => `${cpu.api.toFixed(2)} / ${cpu.postgres.toFixed(2)} / ${cpu.bench.toFixed(2)} ms`;

async function report(figures: {
  reports: number;
  setupSeconds: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  answerP95: number;
  duplicates: number;
  apiRate: number;
  baselineRate: number;
  apiCpu: CpuShare;
  baselineCpu: CpuShare;
}): Promise<void> {
  const cpu = cpus();
  const ratio = figures.apiRate / figures.baselineRate;
  const lines = [
    `Node ${process.version}, ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}; the API and one worker started from ` +
      `the build as separate processes (\`node dist/apps/<app>/src/main.js\`, Node's default heap), PostgreSQL and ` +
      `Redis on the same machine, the fake 1C HTTP service and the baseline server in the benchmark's process.`,
    '',
    '| measure | figure | target |',
    '| --- | ---: | --- |',
    `| (a) outcome reports sent | ${figures.reports} at ${RATE}/s for ${SECONDS} s | |`,
    `| (a) request → 1C received the confirmation, p50 | ${figures.p50.toFixed(0)} ms | |`,
    `| (a) request → 1C received the confirmation, p95 | ${figures.p95.toFixed(0)} ms | ≤ 1,000 ms: ${figures.p95 <= 1000 ? 'met' : 'NOT met'} |`,
    `| (a) p99 / max | ${figures.p99.toFixed(0)} / ${figures.max.toFixed(0)} ms | |`,
    `| (a) the status request's own answer, p95 | ${figures.answerP95.toFixed(0)} ms | |`,
    `| (a) confirmations 1C received twice | ${figures.duplicates} | 0 |`,
    `| (b) status endpoint at saturation (${CONCURRENCY} in flight, ${REQUESTS} requests) | ${figures.apiRate.toFixed(0)} req/s | |`,
    `| (b) bare node:http + pg, the same transaction | ${figures.baselineRate.toFixed(0)} req/s | |`,
    `| (b) ratio | ${ratio.toFixed(2)}× | ≥ 0.8×: ${ratio >= 0.8 ? 'met' : 'NOT met'} |`,
    `| (b) CPU per request, status endpoint: API / PostgreSQL / load generator | ${cpuLine(figures.apiCpu)} | |`,
    `| (b) CPU per request, baseline: server and load generator / PostgreSQL | ${figures.baselineCpu.bench.toFixed(2)} / ${figures.baselineCpu.postgres.toFixed(2)} ms | |`,
    '',
    `Setting up (${figures.reports} deliveries created and moved to in_transit through the API) took ` +
      `${figures.setupSeconds.toFixed(0)} s. Load average (1 min) at the end: ${loadavg()[0].toFixed(1)}.`,
  ];
  const section = ['## Deliveries (`npm run bench:deliveries`)', '', ...lines].join('\n');
  console.log(section);
  await updateBenchmarksSection(section);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
