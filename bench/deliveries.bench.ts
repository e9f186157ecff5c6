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
import { cpus, loadavg } from 'node:os';
import { loadConfig } from '@app/core';
import { AppProcess, FakeOnecHttpService, tokenFor } from '@app/testing';
import { BareServer } from './support/bare-server';
import { createBenchDatabase } from './support/bench-database';
import { freePort } from './support/free-port';
import { updateBenchmarksSection } from './support/benchmarks-doc';
import { cpuPerRequest, type CpuShare, percentile, saturate } from './support/load';

const RATE = Number(process.env.BENCH_RATE ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 120);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 3_000);
const COURIERS = 20;
const guid = (n: number) => `be4c0000-0000-4000-8000-${n.toString().padStart(12, '0')}`;
const [UNIT, WATER, STORE, ACME] = ['796', guid(1), guid(2), guid(3)];
const courierOf = (n: number) => guid(1_000 + (n % COURIERS));

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
  const baseline = await BareServer.start(bench.databaseUrl, 20);
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
    const baselineIds = await baseline.prepare(REQUESTS, {
      counterpartyId: ACME,
      warehouseId: STORE,
      courierId: courierOf(0),
    });
    // The endpoint alone, as the baseline runs alone: the worker (relay and consumers, which production runs on
    // other pods) is paused for both runs, so neither pays for the other's, or (a)'s, downstream work.
    worker.signal('SIGSTOP');
    const apiRun = await cpuPerRequest(api.child.pid!, REQUESTS, () =>
      saturate(REQUESTS, CONCURRENCY, async (i) => {
        await status(apiStart + i + 1, created[apiStart + i], 'accepted');
      }),
    );
    const baselineRun = await cpuPerRequest(api.child.pid!, REQUESTS, () =>
      saturate(REQUESTS, CONCURRENCY, (i) => accept(baseline.url, baselineIds[i])),
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
      apiRate: apiRun.result,
      baselineRate: baselineRun.result,
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

/** `accepted` through the baseline's status door, as the courier's app sends it. */
async function accept(baseUrl: string, id: string): Promise<void> {
  const response = await fetch(`${baseUrl}/deliveries/${id}/status`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify({ status: 'accepted', occurredAt: new Date().toISOString() }),
  });
  if (response.status !== 200) {
    throw new Error(`baseline: ${response.status} ${await response.text()}`);
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
