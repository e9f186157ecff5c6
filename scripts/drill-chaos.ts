/**
 * `npm run drill:chaos [-- <fault>…]`: the chaos drill, on this machine, never on the shared PostgreSQL or Redis.
 * A private PostgreSQL cluster and redis-server on spare ports, the API and a worker started from the build as
 * production runs them, the fake 1C HTTP service and the fake Bitrix24 (a portal with the couriers' board, posting
 * its events to the API's webhook receiver) as HTTP servers in this process. Under a steady mixed load of the real
 * flows — 1C's catalog exchange, deliveries created as 1C, courier statuses over REST and as stage moves on the
 * Bitrix24 board (events to the webhook receiver), cash documents — each fault is injected in turn (all of FAULTS,
 * or the ones named): the API or the worker killed (SIGKILL) and restarted, PostgreSQL stopped `-m immediate` and
 * started, Redis down for a minute (back empty), the portal answering 30 % of calls with a fault, 1C's HTTP service
 * down for 30 s. Per fault it prints the requests accepted, the effects at the fakes, the lost (accepted, no effect
 * after recovery) and the duplicated (an effect more than once), and the time from the fault's end until every
 * request accepted before it has its effect and the apps are ready. Exits non-zero on any loss or duplicate.
 * Writes the figures into the "Chaos drill" section of docs/operations/drills.md.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@app/core';
import {
  BOARD_CATEGORY,
  BOARD_TYPE,
  CATALOG_IBLOCK,
  FakeBitrix24,
  FakeOnecExchange,
  FakeOnecHttpService,
  findRepoRoot,
  freePort,
  generateCommerceMl,
  migrateBuiltSchema,
  RedisServerProcess,
  STAGES,
  tokenFor,
  type FaultRule,
} from '@app/testing';
import { stringify } from 'yaml';
import { Apps, queryOnce, rewriteSection } from './drill-support/apps';
import { Cluster, pgBin } from './drill-support/cluster';
import { sleep, waitUntil } from './drill-support/wait';

const FAULTS = ['api-kill', 'worker-kill', 'pg-restart', 'redis-down', 'bitrix24-faults', 'onec-down'] as const;
type Fault = (typeof FAULTS)[number];

/** Load before the fault and after its end, seconds. */
const LEAD_S = Number(process.env.DRILL_CHAOS_LEAD_SECONDS ?? 10);
const TAIL_S = Number(process.env.DRILL_CHAOS_TAIL_SECONDS ?? 10);
const REDIS_DOWN_S = 60;
const ONEC_DOWN_S = 30;
const BITRIX24_FAULTS_S = 30;
const BITRIX24_FAULT_SHARE = 0.3;
/** How long a killed process or PostgreSQL stays down before it is started again. */
const RESTART_AFTER_S = 3;
const DRAIN_TIMEOUT_MS = 240_000;

const guid = (n: number) => `c4a05000-0000-4000-8000-${n.toString().padStart(12, '0')}`;
const [UNIT, WATER, STORE, ACME] = ['796', guid(1), guid(2), guid(3)];
const COURIERS = 4;
const courierOf = (n: number) => guid(1_000 + (n % COURIERS));
const PORTAL_USER = 17;

const MAPPING = {
  entities: {
    product: { iblockId: CATALOG_IBLOCK, fields: { name: 'name', article: 'code', price: 'purchasingPrice' } },
    company: { fields: { name: 'title' } },
    courier: { externalIdField: 'UF_USR_1C_ID', fields: { name: 'NAME' } },
    delivery: {
      entityTypeId: BOARD_TYPE,
      categoryId: BOARD_CATEGORY,
      fields: {
        title: 'title',
        address: 'ufCrm5_Address',
        amount: 'opportunity',
        cashOnDelivery: 'ufCrm5_Cod',
        responsible: 'assignedById',
        cashCollected: 'ufCrm5_Cash',
      },
      stages: STAGES,
    },
  },
};
const STEPS = ['assigned', 'accepted', 'in_transit', 'delivered'] as const;
const CONFIRMED = 'mastermobile.delivery.execution_confirmed.v1';
const CASH_SUBMITTED = 'mastermobile.cash_document.submitted.v1';

/** A request the middleware accepted (2xx), and the effect it must have at a fake. */
type Flow = 'delivery' | 'confirmation' | 'stage move' | 'cash document' | 'catalog product';
interface Accepted {
  readonly flow: Flow;
  readonly key: string;
  readonly at: number;
}

interface FaultFigures {
  fault: Fault;
  /** What was done to the system, for the table. */
  what: string;
  accepted: Record<Flow, number>;
  refused: number;
  webhookPosts: number;
  webhookAccepted: number;
  effects: number;
  lost: number;
  duplicated: number;
  recoverS: number;
  lostKeys: string[];
  duplicatedKeys: string[];
}

const shipment = (n: number, run: string) => ({
  document: { type: 'sales', number: `CH-${run}-${n}`, date: '2026-12-05', onecId: randomUUID() },
  counterpartyId: ACME,
  address: `Москва, ул. Ленина, ${n}`,
  warehouseId: STORE,
  courierId: courierOf(n),
  items: [{ lineNo: 1, productId: WATER, quantity: '2', price: '49.90', vatRate: '22', amount: '99.80' }],
  totals: { total: '99.80', cashOnDelivery: '99.80' },
});

/** The system under the drill: the private services, the fakes, the apps and the load. */
class Drill {
  readonly accepted: Accepted[] = [];
  refused = 0;
  private stopping = false;
  private counter = 0;
  private readonly config;

  constructor(
    readonly root: string,
    readonly cluster: Cluster,
    readonly redis: RedisServerProcess,
    readonly onec: FakeOnecHttpService,
    readonly portal: FakeBitrix24,
    readonly apps: Apps,
    private readonly exchange: FakeOnecExchange,
  ) {
    this.config = loadConfig(apps.env);
  }

  private token(role: '1c' | 'admin' | 'courier', courierId?: string): string {
    return tokenFor(this.config, role, courierId === undefined ? {} : { courierId });
  }

  async seed(): Promise<void> {
    const seed: [string, unknown[]][] = [
      ['units', [{ id: UNIT, version: 1, code: UNIT, name: 'шт' }]],
      ['warehouses', [{ id: STORE, version: 1, name: 'Склад' }]],
      ['products', [{ id: WATER, version: 1, name: 'Вода', unitId: UNIT, vatRate: '22' }]],
      ['counterparties', [{ id: ACME, version: 1, type: 'organization', name: 'ООО «Ромашка»' }]],
      [
        'couriers',
        Array.from({ length: COURIERS }, (_, i) => ({
          id: courierOf(i),
          version: 1,
          name: `Курьер ${i}`,
          bitrixUserId: String(PORTAL_USER),
        })),
      ],
    ];
    for (const [kind, items] of seed) {
      await this.apps.call('PUT', `/api/v1/master-data/${kind}`, this.token('1c'), { items });
    }
  }

  private accept(flow: Flow, key: string): void {
    this.accepted.push({ flow, key, at: Date.now() });
  }

  /** Every flow at once, until `stopLoad()`. */
  load(run: string): Promise<void> {
    this.stopping = false;
    const loops = [
      () => this.deliveriesOverRest(run),
      () => this.deliveriesOverRest(run),
      () => this.deliveriesOnTheBoard(run),
      () => this.cashDocuments(),
      () => this.catalogExchanges(),
    ];
    return Promise.all(loops.map((loop) => loop())).then(() => undefined);
  }

  stopLoad(): void {
    this.stopping = true;
  }

  /** A loop body that survives a refused or failed request: counted, a short pause, on with the next. */
  private async guarded(step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch {
      this.refused++;
      await sleep(250);
    }
  }

  private async create(run: string): Promise<{ id: string; n: number }> {
    const n = ++this.counter;
    const answer = await this.apps.call('POST', '/api/v1/deliveries', this.token('1c'), shipment(n, run));
    const { id } = (await answer.json()) as { id: string };
    this.accept('delivery', id);
    return { id, n };
  }

  /** 1C creates a delivery, its courier takes it to delivered over REST (a refused status is sent again). */
  private async deliveriesOverRest(run: string): Promise<void> {
    while (!this.stopping) {
      await this.guarded(async () => {
        const { id, n } = await this.create(run);
        const courier = this.token('courier', courierOf(n));
        for (let step = 1; step < STEPS.length; step++) {
          await this.retrying(() =>
            this.apps.call('POST', `/api/v1/deliveries/${id}/status`, courier, {
              status: STEPS[step],
              occurredAt: new Date().toISOString(),
              ...(STEPS[step] === 'delivered' ? { cashCollected: '99.80' } : {}),
            }),
          );
        }
        this.accept('confirmation', id);
      });
    }
  }

  /**
   * 1C creates a delivery, its courier moves the item on the Bitrix24 board stage by stage: each move is an event
   * to the webhook receiver, and the next move waits until the middleware has the previous one (a move past a stage
   * it has not seen would be an illegal jump, set back by the middleware).
   */
  private async deliveriesOnTheBoard(run: string): Promise<void> {
    while (!this.stopping) {
      await this.guarded(async () => {
        const { id } = await this.create(run);
        const item = await this.until(() => this.boardItems(id)[0]);
        for (let step = 1; step < STEPS.length; step++) {
          this.portal.uiUpdateItem(
            BOARD_TYPE,
            Number(item.id),
            { stageId: STAGES[STEPS[step]], ...(STEPS[step] === 'delivered' ? { ufCrm5_Cash: '99.80' } : {}) },
            { userId: PORTAL_USER },
          );
          this.accept('stage move', `${id} ${STEPS[step]}`);
          await this.until(async () => (await this.statusRank(id)) >= step);
        }
        this.accept('confirmation', id);
      });
    }
  }

  /** Advances to the couriers, one a second, each pushed to 1C. */
  private async cashDocuments(): Promise<void> {
    while (!this.stopping) {
      await this.guarded(async () => {
        const answer = await this.apps.call('POST', '/api/v1/cash-documents', this.token('admin'), {
          operation: 'advance_issue',
          courierId: courierOf(this.counter),
          amount: '100.00',
          purpose: 'Топливо',
        });
        this.accept('cash document', ((await answer.json()) as { id: string }).id);
        await sleep(1_000);
      });
    }
  }

  /** 1C's catalog exchange every few seconds, three new products each: they go on to the portal's catalog. */
  private async catalogExchanges(): Promise<void> {
    while (!this.stopping) {
      await this.guarded(async () => {
        const directory = mkdtempSync(join(this.root, 'catalog-'));
        // A package of changes: a full snapshot would retire the products the deliveries name.
        const generated = await generateCommerceMl({
          directory,
          products: 3,
          seed: ++this.counter,
          changesOnly: true,
        });
        const result = await this.exchange.runCatalogExchange({
          files: [
            { name: 'import.xml', path: generated.importPath },
            { name: 'offers.xml', path: generated.offersPath },
          ],
        });
        if (result.failure !== undefined) {
          throw new Error(result.failure);
        }
        for (const id of generated.plainProductIds) {
          this.accept('catalog product', id);
        }
        rmSync(directory, { recursive: true, force: true });
        await sleep(3_000);
      });
    }
  }

  /** Sends a request again until it is accepted (a courier repeats a status the app did not take). */
  private async retrying(send: () => Promise<unknown>): Promise<void> {
    for (;;) {
      try {
        await send();
        return;
      } catch {
        this.refused++;
        if (this.stopping) {
          throw new Error('load stopped');
        }
        await sleep(500);
      }
    }
  }

  /** Polls until `probe` gives a value; gives up (throws) when the load is stopped. */
  private async until<T>(probe: () => T | undefined | false | Promise<T | undefined | false>): Promise<T> {
    for (;;) {
      const value = await Promise.resolve(probe()).catch(() => undefined);
      if (value) {
        return value;
      }
      if (this.stopping) {
        throw new Error('load stopped');
      }
      await sleep(200);
    }
  }

  boardItems(deliveryId: string): Array<Record<string, unknown>> {
    return this.portal.items(BOARD_TYPE).filter((item) => item.xmlId === deliveryId);
  }

  private async statusRank(deliveryId: string): Promise<number> {
    const rows = await queryOnce<{ status: string }>(this.cluster.url, 'SELECT status FROM deliveries WHERE id = $1', [
      deliveryId,
    ]);
    return STEPS.indexOf(rows[0]?.status as (typeof STEPS)[number]);
  }

  /** How many times each accepted request's effect happened at the fakes (a stage move: 1 once it was applied). */
  async effects(accepted: readonly Accepted[]): Promise<Map<Accepted, number>> {
    const pushed = (type: string, idOf: (data: Record<string, unknown>) => unknown) => {
      const keys = new Map<unknown, Set<string>>();
      for (const push of this.onec.received) {
        const body = push.body as { type?: string; data?: Record<string, unknown> };
        if (push.status === 200 && body.type === type && body.data) {
          const id = idOf(body.data);
          keys.set(id, (keys.get(id) ?? new Set()).add(push.idempotencyKey ?? ''));
        }
      }
      return keys;
    };
    const confirmations = pushed(CONFIRMED, (data) => data.deliveryId);
    const cash = pushed(CASH_SUBMITTED, (data) => (data.document as { id?: string } | undefined)?.id);
    const products = new Map<unknown, number>();
    for (const product of this.portal.products()) {
      products.set(product.xmlId, (products.get(product.xmlId) ?? 0) + 1);
    }
    const items = new Map<unknown, number>();
    for (const item of this.portal.items(BOARD_TYPE)) {
      items.set(item.xmlId, (items.get(item.xmlId) ?? 0) + 1);
    }
    const moved = accepted.filter((request) => request.flow === 'stage move');
    const statuses = new Map(
      moved.length === 0
        ? []
        : (
            await queryOnce<{ id: string; status: string }>(
              this.cluster.url,
              'SELECT id, status FROM deliveries WHERE id = ANY($1)',
              [moved.map((request) => request.key.split(' ')[0])],
            )
          ).map((row) => [row.id, STEPS.indexOf(row.status as (typeof STEPS)[number])]),
    );
    return new Map(
      accepted.map((request) => {
        switch (request.flow) {
          case 'delivery':
            return [request, items.get(request.key) ?? 0];
          case 'confirmation':
            return [request, confirmations.get(request.key)?.size ?? 0];
          case 'cash document':
            return [request, cash.get(request.key)?.size ?? 0];
          case 'catalog product':
            return [request, products.get(request.key) ?? 0];
          case 'stage move': {
            const [id, status] = request.key.split(' ');
            return [request, (statuses.get(id) ?? -1) >= STEPS.indexOf(status as (typeof STEPS)[number]) ? 1 : 0];
          }
        }
      }),
    );
  }

  /** The outbox events not delivered yet, by type and status. */
  async openEvents(): Promise<string> {
    const rows = await queryOnce<{ type: string; status: string; n: string }>(
      this.cluster.url,
      `SELECT type, status, count(*) AS n FROM outbox_events WHERE status <> 'delivered' GROUP BY 1, 2`,
    );
    return rows.map((row) => `${row.n} ${row.type} ${row.status}`).join(', ') || 'outbox drained';
  }

  /** Nothing left in flight: the outbox delivered, the inbox processed. */
  async drained(): Promise<boolean> {
    const [open] = await queryOnce<{ n: string }>(
      this.cluster.url,
      `SELECT (SELECT count(*) FROM outbox_events WHERE status <> 'delivered')
            + (SELECT count(*) FROM inbox_events WHERE status NOT IN ('processed', 'failed')) AS n`,
    );
    return Number(open.n) === 0;
  }
}

/** Applies the fault; resolves at its end (the process restarted, the service back). */
async function inject(drill: Drill, fault: Fault): Promise<string> {
  switch (fault) {
    case 'api-kill':
      await drill.apps.api!.stop();
      await sleep(RESTART_AFTER_S * 1000);
      drill.apps.startApi();
      return `API SIGKILLed, restarted ${RESTART_AFTER_S} s later`;
    case 'worker-kill':
      await drill.apps.worker!.stop();
      await sleep(RESTART_AFTER_S * 1000);
      await drill.apps.startWorker();
      return `worker SIGKILLed, restarted ${RESTART_AFTER_S} s later`;
    case 'pg-restart':
      drill.cluster.stopImmediate();
      await sleep(RESTART_AFTER_S * 1000);
      drill.cluster.start();
      return `PostgreSQL \`pg_ctl stop -m immediate\`, started ${RESTART_AFTER_S} s later (crash recovery)`;
    case 'redis-down':
      await drill.redis.down();
      await sleep(REDIS_DOWN_S * 1000);
      await drill.redis.up();
      return `Redis SIGKILLed, back empty ${REDIS_DOWN_S} s later`;
    case 'bitrix24-faults': {
      // Four kinds in equal shares, 30 % of calls in all: each rule draws only when the ones before it did not hit.
      const each = 1 - (1 - BITRIX24_FAULT_SHARE) ** (1 / 4);
      const rules: FaultRule[] = [
        { method: '*', kind: 'html', status: 503, probability: each },
        { method: '*', kind: 'query-limit', probability: each },
        { method: '*', kind: 'operation-time-limit', probability: each },
        { method: '*', kind: 'timeout-after-commit', probability: each },
      ];
      drill.portal.setFaults(rules, 7);
      await sleep(BITRIX24_FAULTS_S * 1000);
      drill.portal.clearFaults();
      return `Bitrix24 answering ${BITRIX24_FAULT_SHARE * 100} % of calls for ${BITRIX24_FAULTS_S} s with 503 (proxy page), 503 QUERY_LIMIT_EXCEEDED, 429 OPERATION_TIME_LIMIT or a timeout after the write`;
    }
    case 'onec-down':
      await drill.onec.down();
      await sleep(ONEC_DOWN_S * 1000);
      await drill.onec.up();
      return `1C's HTTP service down (connections refused) for ${ONEC_DOWN_S} s`;
  }
}

async function runFault(drill: Drill, fault: Fault): Promise<FaultFigures> {
  const from = drill.accepted.length;
  const refusedBefore = drill.refused;
  const postsBefore = drill.portal.deliveries.length;
  console.log(`\n${fault}: load for ${LEAD_S} s, then the fault…`);
  const loading = drill.load(fault);
  await sleep(LEAD_S * 1000);
  const what = await inject(drill, fault);
  const faultEnd = Date.now();
  console.log(`${fault}: ${what}; load for ${TAIL_S} s more`);

  // Recovered: the apps ready and every request accepted before the fault's end has its effect.
  let recoveredAt: number | undefined;
  const watching = (async () => {
    while (recoveredAt === undefined) {
      const before = drill.accepted.slice(from).filter((request) => request.at <= faultEnd);
      const done =
        (await drill.apps.ready()) && [...(await drill.effects(before)).values()].every((count) => count >= 1);
      if (done) {
        recoveredAt = Date.now();
      } else {
        await sleep(500);
      }
    }
  })().catch((error: unknown) => {
    recoveredAt ??= NaN;
    console.error(error);
  });
  await sleep(TAIL_S * 1000);
  drill.stopLoad();
  await loading;
  console.log(`${fault}: load stopped`);
  const mine = drill.accepted.slice(from);
  let reported = Date.now();
  await waitUntil(
    async () => {
      const effects = await drill.effects(mine);
      const drained = await drill.drained();
      const missing = mine.filter((request) => effects.get(request) === 0);
      if (Date.now() - reported > 15_000) {
        reported = Date.now();
        console.log(
          `${fault}: waiting: ${missing.length} effects missing (${[...new Set(missing.map((request) => request.flow))].join(', ')}), ` +
            `${await drill.openEvents()}`,
        );
      }
      return drained && missing.length === 0;
    },
    `${fault}: every accepted request's effect`,
    DRAIN_TIMEOUT_MS,
  ).catch((error: unknown) => console.error(String(error)));
  await waitUntil(() => recoveredAt !== undefined, `${fault}: recovery`, 30_000).catch(() => undefined);
  recoveredAt ??= NaN;
  await watching;
  // Late duplicates: a re-send still in flight would show here.
  await sleep(2_000);
  const effects = await drill.effects(mine);
  const accepted = Object.fromEntries(
    (['delivery', 'confirmation', 'stage move', 'cash document', 'catalog product'] as Flow[]).map((flow) => [
      flow,
      mine.filter((request) => request.flow === flow).length,
    ]),
  ) as Record<Flow, number>;
  const lost = mine.filter((request) => effects.get(request) === 0);
  const duplicated = mine.filter((request) => (effects.get(request) ?? 0) > 1);
  const posts = drill.portal.deliveries.slice(postsBefore);
  return {
    fault,
    what,
    accepted,
    refused: drill.refused - refusedBefore,
    webhookPosts: posts.length,
    webhookAccepted: posts.filter((post) => post.error === undefined && (post.status ?? 0) < 300).length,
    effects: [...effects.values()].reduce((sum, count) => sum + count, 0),
    lost: lost.length,
    duplicated: duplicated.length,
    recoverS: (recoveredAt - faultEnd) / 1000,
    lostKeys: lost.map((request) => `${request.flow} ${request.key}`),
    duplicatedKeys: duplicated.map((request) => `${request.flow} ${request.key}`),
  };
}

async function writeDoc(figures: FaultFigures[]): Promise<void> {
  const cpu = cpus();
  const acceptedOf = (row: FaultFigures) =>
    `${row.accepted.delivery} deliveries, ${row.accepted.confirmation} delivered (${row.accepted['stage move']} stage moves, ${row.webhookAccepted} of ${row.webhookPosts} webhook posts 2xx), ${row.accepted['cash document']} cash documents, ${row.accepted['catalog product']} catalog products`;
  const section = [
    '### Chaos drill figures',
    '',
    `Last run: ${new Date().toISOString()} on \`${hostname()}\`, Node ${process.version}, ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}; ` +
      `PostgreSQL ${pgBin('postgres').split('/')[4]} (a private cluster on a spare port); load ${LEAD_S} s before each fault and ${TAIL_S} s after its end. ` +
      `Command: \`npm run drill:chaos${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}\`.`,
    '',
    '| fault | accepted (2xx) | effects at the fakes | lost | duplicated | fault end → recovered |',
    '| --- | --- | --- | --- | --- | --- |',
    ...figures.map(
      (row) =>
        `| ${row.what} | ${acceptedOf(row)} | ${row.effects} | ${row.lost} | ${row.duplicated} | ${row.recoverS.toFixed(1)} s |`,
    ),
    '',
  ].join('\n');
  console.log(section);
  await rewriteSection(join(findRepoRoot(), 'docs', 'operations', 'drills.md'), '### Chaos drill figures', section);
}

async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((name) => !(FAULTS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new Error(`Unknown fault ${unknown.join(', ')}; one of ${FAULTS.join(', ')}`);
  }
  const faults = asked.length > 0 ? (asked as Fault[]) : [...FAULTS];
  const root = mkdtempSync(join(tmpdir(), 'mm-chaos-'));
  chmodSync(root, 0o755);
  const cluster = new Cluster(root, await freePort());
  const redis = await RedisServerProcess.start();
  const onec = await FakeOnecHttpService.start({ login: 'drill', password: 'drill-password' });
  const portal = await FakeBitrix24.start({
    catalogIblockIds: [CATALOG_IBLOCK],
    smartProcesses: [{ entityTypeId: BOARD_TYPE, categories: [{ id: BOARD_CATEGORY }] }],
    // The limits are not what this drill is about: a portal roomy enough for the load.
    // A one-minute operating window: a 429 pauses a method until its reset, at most a minute ahead here (ten on a
    // real portal), so the drill's synthetic 429s do not hold the Bitrix24 flows up for ten minutes.
    limits: { burst: 500, drainPerSec: 100, operatingWindowSec: 60 },
  });
  portal.seed({
    stages: Object.entries(STAGES).map(([status, statusId], index) => ({
      entityId: `DYNAMIC_${BOARD_TYPE}_STAGE_${BOARD_CATEGORY}`,
      statusId,
      name: status,
      sort: (index + 1) * 10,
      semantics: ['delivered', 'partially_delivered', 'closed'].includes(status)
        ? ('S' as const)
        : ['failed', 'cancelled'].includes(status)
          ? ('F' as const)
          : null,
    })),
  });
  const port = await freePort();
  const { applicationToken } = portal.addOutgoingWebhook({
    url: `http://127.0.0.1:${port}/api/v1/webhooks/bitrix24`,
    events: ['ONCRMDYNAMICITEMUPDATE'],
  });
  const mappingFile = join(root, 'bitrix24-mapping.yaml');
  writeFileSync(mappingFile, stringify(MAPPING));
  const exchangeDir = join(root, 'exchange');
  mkdirSync(exchangeDir);
  let drill: Drill | undefined;
  try {
    cluster.init();
    cluster.start();
    await migrateBuiltSchema(cluster.url);
    const env = {
      NODE_ENV: 'test',
      DATABASE_URL: cluster.url,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: 'mmchaos',
      DB_MIGRATIONS_RUN: 'false',
      LOG_LEVEL: 'warn',
      WORKER_OPS_PORT: '0',
      PORT: String(port),
      ONEC_HTTP_BASE_URL: onec.url,
      ONEC_HTTP_LOGIN: 'drill',
      ONEC_HTTP_PASSWORD: 'drill-password',
      ONEC_EXCHANGE_LOGIN: 'exchange',
      ONEC_EXCHANGE_PASSWORD: 'exchange-password',
      ONEC_EXCHANGE_WORK_DIR: exchangeDir,
      BITRIX24_WEBHOOK_URL: portal.webhookUrl,
      BITRIX24_MAPPING_FILE: mappingFile,
      BITRIX24_APPLICATION_TOKEN: applicationToken,
      BITRIX24_RATE_BURST: '500',
      BITRIX24_RATE_PER_SECOND: '100',
      BITRIX24_REQUEST_TIMEOUT_MS: '1500',
      BITRIX24_BREAKER_HALF_OPEN_AFTER_MS: '1000',
      // Missed events (the API down when the portal posted) come back through the reconcile.
      BITRIX24_RECONCILE_INTERVAL_MS: '5000',
      EVENTS_RELAY_POLL_INTERVAL_MS: '200',
      EVENTS_BACKOFF_BASE_MS: '200',
      EVENTS_BACKOFF_MAX_MS: '5000',
      EVENTS_MAX_ATTEMPTS: '100',
      EVENTS_RECONCILE_AFTER_MS: '5000',
    };
    const apps = new Apps(env, port);
    await apps.start();
    await waitUntil(() => apps.ready(), '/health/ready 200');
    drill = new Drill(
      root,
      cluster,
      redis,
      onec,
      portal,
      apps,
      new FakeOnecExchange({
        baseUrl: apps.base,
        login: 'exchange',
        password: 'exchange-password',
        requestTimeoutMs: 15_000,
        maxImportCalls: 100,
      }),
    );
    await drill.seed();
    const figures: FaultFigures[] = [];
    for (const fault of faults) {
      const row = await runFault(drill, fault);
      figures.push(row);
      console.log(
        `${fault}: accepted ${JSON.stringify(row.accepted)}, refused ${row.refused}, webhook posts ${row.webhookAccepted}/${row.webhookPosts}, ` +
          `effects ${row.effects}, lost ${row.lost}, duplicated ${row.duplicated}, recovered ${row.recoverS.toFixed(1)} s after the fault's end`,
      );
      for (const key of [...row.lostKeys, ...row.duplicatedKeys].slice(0, 20)) {
        console.log(`  ${row.lostKeys.includes(key) ? 'lost' : 'duplicated'}: ${key}`);
      }
    }
    await writeDoc(figures);
    if (figures.some((row) => row.lost > 0 || row.duplicated > 0 || Number.isNaN(row.recoverS))) {
      console.error('CHAOS DRILL FAILED: see the table');
      process.exitCode = 1;
    }
  } finally {
    drill?.stopLoad();
    await drill?.apps.kill();
    cluster.stop();
    await redis.down();
    await onec.stop();
    await portal.stop();
    await sleep(500);
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
