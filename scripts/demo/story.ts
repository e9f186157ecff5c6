/**
 * The story `npm run demo` plays against the running API and worker: 1C, the couriers' Bitrix24 portal, Slack and
 * Telegram are the fakes of libs/testing, driven through their real protocols (the CommerceML exchange, REST calls
 * as each role, the portal's outbound webhook events when a courier moves a card). Each step prints `✓ step — what
 * happened`; the first that fails throws a StepFailed naming why.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExactDecimal, type Role } from '@app/core';
import {
  BOARD_TYPE,
  type FakeBitrix24,
  type FakeOnecExchange,
  type FakeOnecHttpService,
  type FakeSlack,
  type FakeTelegram,
  generateCommerceMl,
  STAGES,
} from '@app/testing';
import { type Answer, readAnswer } from '../support/http-answer';

export class StepFailed extends Error {}

export interface DemoWorld {
  readonly apiUrl: string;
  readonly bitrix24: FakeBitrix24;
  /** 1C's HTTP service: what the middleware pushes to 1C. */
  readonly onecService: FakeOnecHttpService;
  /** 1C's exchange node, pointed at the API's CommerceML endpoint. */
  readonly onecExchange: FakeOnecExchange;
  readonly slack: FakeSlack;
  readonly telegram: FakeTelegram;
  readonly telegramChat: string;
  /** A token for one role (a courier's for `courierId`). */
  token(role: Role, courierId?: string): string;
  /** The Bitrix24 user the courier works as. */
  readonly courierPortalUser: number;
  /** The cash a courier may hold before `cash_on_hand_over_limit` breaks (the demo's rules file). */
  readonly cashLimit: string;
}

/** The demo's own 1C ids, so nothing it creates can be mistaken for real data. */
const demoId = (n: number) => `de30de30-0000-4000-8000-${n.toString().padStart(12, '0')}`;
const COURIER = demoId(1);
const CUSTOMER = demoId(2);
const PRODUCTS_IN_CATALOG = 20;

type Step = (name: string, run: () => Promise<string>) => Promise<void>;

export async function playStory(world: DemoWorld, print: (line: string) => void): Promise<number> {
  let steps = 0;
  const step: Step = async (name, run) => {
    let detail: string;
    try {
      detail = await run();
    } catch (error) {
      const why = error instanceof StepFailed ? error.message : `unexpected: ${(error as Error).message}`;
      throw new StepFailed(`${name} — ${why}`);
    }
    steps += 1;
    print(`✓ ${name} — ${detail}`);
  };
  const story = new Story(world);
  await story.play(step);
  return steps;
}

class Story {
  private readonly run = Date.now().toString(36).toUpperCase();
  private courierWarehouse = '';
  private priceType = '';
  private goods: { readonly id: string; readonly name: string; readonly price: string; readonly vatRate: string }[] =
    [];
  private delivery = { id: '', number: '', cash: '' };
  private order = { id: '', number: '', line: { productId: '', price: '' } };
  private deviationId = '';

  constructor(private readonly world: DemoWorld) {}

  async play(step: Step): Promise<void> {
    await step('1C catalog exchange (CommerceML)', () => this.catalogExchange());
    await step('1C master data over REST', () => this.restMasterData());
    await step('delivery created by 1C', () => this.createDelivery());
    await step('delivery dispatched from the Bitrix24 board', () => this.dispatch());
    await step('delivered with cash', () => this.deliver());
    await step('delivery confirmed to 1C', () => this.confirm());
    await step('SLA deviation raised', () => this.raiseDeviation());
    await step('instant order sold at the door', () => this.instantOrder());
    await step('return led through to 1C', () => this.returnOfOrder());
    await step('cash handed over and posted', () => this.handOverCash());
    await step('SLA deviation resolved', () => this.resolveDeviation());
    await step('collision resolved', () => this.collision());
  }

  // ---------------------------------------------------------------------------------------------------------------

  private async catalogExchange(): Promise<string> {
    const directory = await mkdtemp(join(tmpdir(), 'mastermobile-demo-1c-'));
    try {
      const generated = await generateCommerceMl({ directory, products: PRODUCTS_IN_CATALOG, seed: 7 });
      const result = await this.world.onecExchange.runCatalogExchange({
        files: [
          { name: 'import0_1.xml', path: generated.importPath },
          { name: 'offers0_1.xml', path: generated.offersPath },
        ],
      });
      if (result.failure) {
        throw new StepFailed(`the exchange answered failure: ${result.failure}`);
      }
      // The mirror is written by the import; the lists may trail the exchange's last `success` briefly.
      const products = await this.until('the catalog in the mirror', async () => {
        const items = await this.list('products');
        return items.length >= PRODUCTS_IN_CATALOG - 1 && items;
      });
      const [warehouses, priceTypes, prices, stock] = await Promise.all(
        ['warehouses', 'price-types', 'prices', 'stock'].map((kind) => this.list(kind)),
      );
      this.courierWarehouse = String(warehouses[0].onecId);
      this.priceType = String((priceTypes.find((type) => type.name === 'Розничная') ?? priceTypes[0]).onecId);
      const inVan = new Set(
        stock
          .filter((row) => row.warehouseId === this.courierWarehouse && Number(row.quantity) >= 5)
          .map((row) => String(row.productId)),
      );
      this.goods = products
        .filter((product) => !product.deleted && inVan.has(String(product.onecId)))
        .flatMap((product) => {
          const price = prices.find((row) => row.productId === product.onecId && row.priceTypeId === this.priceType);
          return price && ExactDecimal.fits(String(price.price), 2)
            ? [
                {
                  id: String(product.onecId),
                  name: String(product.name),
                  price: String(price.price),
                  vatRate: typeof product.vatRate === 'string' ? product.vatRate : '20',
                },
              ]
            : [];
        })
        // The cheapest goods: a courier's day, not a furniture store's.
        .sort((a, b) => ExactDecimal.parse(a.price, 2).compare(ExactDecimal.parse(b.price, 2)))
        .slice(0, 2);
      if (this.goods.length < 2) {
        throw new StepFailed('the catalog has fewer than two products with a retail price and stock in one van');
      }
      // Every product (not its variants) is linked to a product of the portal's catalog.
      const linked = await this.until('the products in the Bitrix24 catalog', async () => {
        const goods = (await this.list('products')).filter((product) => product.parentId === null);
        return goods.every((product) => product.bitrixId !== null) && goods;
      });
      return (
        `${result.uploadRequests} upload(s)${result.zipped ? ' zipped' : ''}, ${result.importCalls} import call(s): ` +
        `${products.length} products, ${prices.length} prices, ${stock.length} stock rows; ` +
        `${linked.length} linked to the Bitrix24 catalog (${this.world.bitrix24.products().length} there)`
      );
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  }

  private async restMasterData(): Promise<string> {
    const version = Date.now();
    await this.put('couriers', [
      {
        id: COURIER,
        version,
        name: 'Иванов Иван',
        warehouseId: this.courierWarehouse,
        bitrixUserId: String(this.world.courierPortalUser),
      },
    ]);
    await this.put('counterparties', [
      { id: CUSTOMER, version, type: 'organization', name: 'ООО «Ромашка»', inn: '7707083893' },
    ]);
    const customer = await this.until('the customer in the mirror', async () =>
      (await this.list('counterparties')).find((row) => row.onecId === CUSTOMER),
    );
    return `courier Иванов Иван (portal user ${this.world.courierPortalUser}, van stock from the catalog), customer ${String(customer.name)}`;
  }

  private shipment(n: number, overrides: Record<string, unknown> = {}) {
    const lines = this.goods.map((good, index) => {
      const quantity = String(index + 1);
      return {
        lineNo: index + 1,
        productId: good.id,
        quantity,
        price: good.price,
        vatRate: good.vatRate,
        amount: ExactDecimal.parse(good.price, 2).times(ExactDecimal.parse(quantity, 0), 2).toString(),
      };
    });
    const total = ExactDecimal.sum(
      lines.map((line) => ExactDecimal.parse(line.amount, 2)),
      2,
    ).toString();
    return {
      document: {
        type: 'sales',
        number: `ДЕМО-${this.run}-${n}`,
        date: new Date().toISOString().slice(0, 10),
        onecId: randomUUID(),
      },
      counterpartyId: CUSTOMER,
      address: 'Москва, ул. Ленина, 1, кв. 5',
      contactName: 'Анна',
      contactPhone: '+7 900 000-00-01',
      warehouseId: this.courierWarehouse,
      courierId: COURIER,
      items: lines,
      totals: { total, cashOnDelivery: total },
      ...overrides,
    };
  }

  private async createDelivery(): Promise<string> {
    const body = this.shipment(1);
    const created = await this.expect(
      this.call('POST', '/api/v1/deliveries', { role: '1c', body }),
      201,
      'POST /api/v1/deliveries',
    );
    this.delivery = { id: String(created.id), number: body.document.number, cash: body.totals.cashOnDelivery };
    const card = await this.cardAt(this.delivery.id, 'assigned');
    return `${body.document.number}, ${body.items.length} lines, ${this.delivery.cash} RUB cash on delivery; card #${String(card.id)} on the courier's board at "assigned"`;
  }

  private async dispatch(): Promise<string> {
    await this.move(this.delivery.id, 'accepted');
    await this.move(this.delivery.id, 'in_transit');
    return 'the courier moved the card to "accepted", then "in transit"; the middleware followed each move';
  }

  private async deliver(): Promise<string> {
    await this.move(this.delivery.id, 'delivered', { ufCrm5_Cash: this.delivery.cash });
    const delivery = await this.get(`/api/v1/deliveries/${this.delivery.id}`);
    const outcome = delivery.outcome as { cashCollected: string; deliveredAmount: string };
    return `delivered ${outcome.deliveredAmount}, cash collected ${outcome.cashCollected}`;
  }

  private async confirm(): Promise<string> {
    const [push] = await this.until('the execution confirmation at 1C', () =>
      Promise.resolve(this.pushesAbout('deliveryId', this.delivery.id, 'delivery.execution_confirmed')),
    );
    const closed = await this.expect(
      this.call('POST', `/api/v1/deliveries/${this.delivery.id}/ack`, {
        role: '1c',
        body: { documentNumber: `ПКО-${this.run}`, documentDate: new Date().toISOString().slice(0, 10) },
      }),
      200,
      'POST /api/v1/deliveries/{id}/ack',
    );
    await this.cardAt(this.delivery.id, 'closed');
    return `1C received ${(push.body as { type: string }).type} once and acknowledged it; delivery ${String(closed.status)}, card at "closed"`;
  }

  private async raiseDeviation(): Promise<string> {
    await this.evaluate();
    const opened = await this.until('the open deviation', async () => {
      const list = await this.get('/api/v1/admin/deviations?status=open&rule=cash_on_hand_over_limit');
      return (list.items as { id: string; value: string; threshold: string }[])[0];
    });
    this.deviationId = opened.id;
    const alerts = await this.alertsAbout('opened');
    return `cash_on_hand_over_limit: ${opened.value} RUB on hand, over the limit of ${this.world.cashLimit}; alert in ${alerts}`;
  }

  private async instantOrder(): Promise<string> {
    const good = this.goods[0];
    const body = {
      buyer: { counterpartyId: CUSTOMER },
      priceTypeId: this.priceType,
      payment: 'card',
      items: [{ productId: good.id, quantity: '2', price: good.price, amount: this.amount(good.price, '2') }],
      total: this.amount(good.price, '2'),
      soldAt: new Date().toISOString(),
      geo: { latitude: '55.751244', longitude: '37.618423' },
    };
    const created = await this.expect(
      this.call('POST', '/api/v1/instant-orders', { role: 'courier', courierId: COURIER, body }),
      201,
      'POST /api/v1/instant-orders',
    );
    this.order = { id: String(created.id), number: String(created.number), line: body.items[0] };
    await this.until('the order at 1C', () =>
      Promise.resolve(this.pushesAbout('orderId', this.order.id, 'instant_order.submitted')),
    );
    const posted = await this.expect(
      this.call('POST', `/api/v1/instant-orders/${this.order.id}/ack`, {
        role: '1c',
        body: { outcome: 'posted', documentNumber: `УТ-${this.run}`, documentDate: this.today() },
      }),
      200,
      'POST /api/v1/instant-orders/{id}/ack',
    );
    return `${this.order.number}: 2 × ${good.name} for ${body.total} by card, stock held, sent to 1C, ${String(posted.status)} as УТ-${this.run}`;
  }

  private async returnOfOrder(): Promise<string> {
    const requested = await this.expect(
      this.call('POST', '/api/v1/returns', {
        role: 'courier',
        courierId: COURIER,
        body: {
          sale: { kind: 'instant_order', id: this.order.id },
          items: [{ lineNo: 1, quantity: '1', reason: 'defective' }],
        },
      }),
      201,
      'POST /api/v1/returns',
    );
    const id = String(requested.id);
    const moves: [Role, string, unknown][] = [
      ['admin', 'approve', {}],
      ['courier', 'pick-up', { occurredAt: new Date().toISOString() }],
      ['admin', 'receive', { occurredAt: new Date().toISOString(), items: [{ lineNo: 1, quantity: '1' }] }],
    ];
    for (const [role, action, body] of moves) {
      await this.expect(
        this.call('POST', `/api/v1/returns/${id}/${action}`, { role, courierId: COURIER, body }),
        200,
        `POST /api/v1/returns/{id}/${action}`,
      );
    }
    const closed = await this.expect(
      this.call('POST', `/api/v1/returns/${id}/ack`, {
        role: '1c',
        body: { documentNumber: `ВОЗ-${this.run}`, documentDate: this.today() },
      }),
      200,
      'POST /api/v1/returns/{id}/ack',
    );
    return `${String(requested.number)}: 1 of 2 back as defective, refund ${String(requested.refundTotal)}; approved, picked up, received at the warehouse, posted by 1C → ${String(closed.status)}`;
  }

  private async handOverCash(): Promise<string> {
    const created = await this.expect(
      this.call('POST', '/api/v1/cash-documents', {
        role: 'courier',
        courierId: COURIER,
        body: {
          operation: 'customer_payment',
          amount: this.delivery.cash,
          purpose: `Оплата по ${this.delivery.number}`,
          settles: [{ type: 'delivery', id: this.delivery.id, amount: this.delivery.cash }],
        },
      }),
      201,
      'POST /api/v1/cash-documents',
    );
    const id = String(created.id);
    await this.until('the ПКО at 1C', () =>
      Promise.resolve(
        this.world.onecService.received.filter(
          (push) => push.status === 200 && (push.body as { subject?: string }).subject === `cash_document:${id}`,
        ),
      ).then((pushes) => pushes.length > 0),
    );
    const posted = await this.expect(
      this.call('POST', `/api/v1/cash-documents/${id}/ack`, {
        role: '1c',
        body: { outcome: 'posted', documentNumber: `ЦБ-${this.run}`, documentDate: this.today() },
      }),
      200,
      'POST /api/v1/cash-documents/{id}/ack',
    );
    const cash = await this.get(`/api/v1/couriers/${COURIER}/cash`);
    return `${String(created.number)} (ПКО) for ${this.delivery.cash} sent to 1C, ${String(posted.status)} as ЦБ-${this.run}; the courier now holds ${String(cash.cashOnHand)}`;
  }

  private async resolveDeviation(): Promise<string> {
    await this.evaluate();
    await this.until('the deviation resolved', async () => {
      const read = await this.get(`/api/v1/admin/deviations/${this.deviationId}`);
      return read.status === 'resolved';
    });
    const alerts = await this.alertsAbout('resolved');
    return `cash_on_hand_over_limit resolved by the monitor once the ПКО was posted; alert in ${alerts}`;
  }

  private async collision(): Promise<string> {
    const body = this.shipment(2);
    const created = await this.expect(
      this.call('POST', '/api/v1/deliveries', { role: '1c', body }),
      201,
      'POST /api/v1/deliveries',
    );
    const id = String(created.id);
    await this.cardAt(id, 'assigned');
    await this.move(id, 'accepted');
    await this.move(id, 'in_transit');
    const late = await this.expect(
      this.call('PUT', `/api/v1/deliveries/${id}`, {
        role: '1c',
        body: { ...body, comment: 'Позвонить за час' },
      }),
      202,
      'PUT /api/v1/deliveries/{id} after dispatch',
    );
    const collisionId = String(late.id);
    const resolved = await this.expect(
      this.call('POST', `/api/v1/admin/collisions/${collisionId}/resolve`, {
        role: 'admin',
        body: { decision: 'accept_1c', comment: 'the customer asked 1C' },
      }),
      200,
      'POST /api/v1/admin/collisions/{id}/resolve',
    );
    await this.until('1C told of the resolution', () =>
      Promise.resolve(this.pushesAbout('collisionId', collisionId, 'collision_resolved')),
    );
    const after = await this.get(`/api/v1/deliveries/${id}`);
    return `1C changed ${body.document.number} while in transit → collision on "${String(late.field)}"; an operator took 1C's version (${String(resolved.status)}), the delivery reads "${String(after.comment)}" and 1C was told`;
  }

  // ---------------------------------------------------------------------------------------------------------------

  private today(): string {
    return new Date().toISOString().slice(0, 10);
  }

  private amount(price: string, quantity: string): string {
    return ExactDecimal.parse(price, 2).times(ExactDecimal.parse(quantity, 3), 2).toString();
  }

  /** "Check now" on the cash rule, as an operator's button does; the cash documents also ask for it themselves. */
  private async evaluate(): Promise<void> {
    await this.expect(
      this.call('POST', '/api/v1/admin/sla/evaluate', {
        role: 'admin',
        body: { rules: ['cash_on_hand_over_limit'] },
      }),
      200,
      'POST /api/v1/admin/sla/evaluate',
    );
  }

  /** Waits for the alert of the deviation in Slack and in the Telegram chat; names where it arrived. */
  private async alertsAbout(kind: 'opened' | 'resolved'): Promise<string> {
    const marker = kind === 'opened' ? /откры|opened|🔴|⚠|❗/i : /resolved|устран|закры|✅/i;
    await this.until(`the ${kind} alert in Slack and Telegram`, () =>
      Promise.resolve(
        this.world.slack.messagesTo().some((message) => marker.test(JSON.stringify(message))) &&
          this.world.telegram.messagesTo(this.world.telegramChat).some((message) => marker.test(message.visibleText)),
      ),
    );
    return `Slack (${this.world.slack.messagesTo().length} message(s)) and Telegram (${this.world.telegram.messagesTo(this.world.telegramChat).length})`;
  }

  private pushesAbout(field: string, value: string, type: string) {
    const pushes = this.world.onecService.received.filter((push) => {
      const body = push.body as { type?: string; data?: Record<string, unknown> };
      return push.status === 200 && !push.duplicate && body.data?.[field] === value && body.type?.includes(type);
    });
    return pushes.length > 0 && pushes;
  }

  private itemOf(id: string): Record<string, unknown> | undefined {
    return this.world.bitrix24.items(BOARD_TYPE).find((item) => item.xmlId === id);
  }

  private cardAt(id: string, status: string): Promise<Record<string, unknown>> {
    return this.until(`the card at "${status}"`, () =>
      Promise.resolve(this.itemOf(id)).then((item) => item?.stageId === STAGES[status] && item),
    );
  }

  /** The courier moves the card in the portal; the portal's outbound event reaches the API's webhook. */
  private async move(id: string, status: string, fields: Record<string, unknown> = {}): Promise<void> {
    const item = await this.until('the card on the board', () => Promise.resolve(this.itemOf(id)));
    this.world.bitrix24.uiUpdateItem(
      BOARD_TYPE,
      Number(item.id),
      { stageId: STAGES[status], ...fields },
      { userId: this.world.courierPortalUser },
    );
    await this.world.bitrix24.settleDeliveries();
    await this.until(`the delivery "${status}" in the middleware`, async () => {
      const delivery = await this.get(`/api/v1/deliveries/${id}`);
      return delivery.status === status;
    });
    // The middleware writes the card back after it takes a move. A courier's next move made before that write lands
    // is overwritten by it and then ignored as our own write (see the report of issue 16), so the story waits.
    await this.until('the middleware writing the card back', () =>
      Promise.resolve(this.itemOf(id)).then(
        (card) => card?.stageId === STAGES[status] && card.updatedBy !== this.world.courierPortalUser,
      ),
    );
  }

  private async list(kind: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.get(
        `/api/v1/master-data/${kind}?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        '1c',
      );
      items.push(...(page.items as Record<string, unknown>[]));
      cursor = (page.nextCursor as string | null | undefined) ?? undefined;
    } while (cursor);
    return items;
  }

  private async put(kind: string, items: unknown[]): Promise<void> {
    const answer = await this.expect(
      this.call('PUT', `/api/v1/master-data/${kind}`, { role: '1c', body: { items } }),
      200,
      `PUT /api/v1/master-data/${kind}`,
    );
    const results = (answer.results ?? []) as { status?: string }[];
    const refused = results.find((result) => result.status !== 'created' && result.status !== 'updated');
    if (refused) {
      throw new StepFailed(`PUT /api/v1/master-data/${kind}: ${JSON.stringify(refused).slice(0, 300)}`);
    }
  }

  private async get(path: string, role: Role = 'admin'): Promise<Record<string, unknown>> {
    return this.expect(this.call('GET', path, { role }), 200, `GET ${path}`);
  }

  private async call(
    method: string,
    path: string,
    init: { role: Role; courierId?: string; body?: unknown },
  ): Promise<Answer> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.world.token(init.role, init.courierId)}`,
      'x-request-id': `demo-${this.run}-${randomUUID().slice(0, 8)}`,
    };
    if (method !== 'GET') {
      headers['idempotency-key'] = randomUUID();
    }
    if (init.body !== undefined) {
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(`${this.world.apiUrl}${path}`, {
      method,
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(15_000),
    });
    return readAnswer(response);
  }

  private async expect(call: Promise<Answer>, status: number, what: string): Promise<Record<string, unknown>> {
    const answer = await call;
    if (answer.status !== status) {
      const problem = answer.body as { code?: string; detail?: string; errors?: unknown } | undefined;
      const detail =
        problem && typeof problem === 'object'
          ? [problem.code, problem.detail, problem.errors ? JSON.stringify(problem.errors) : undefined]
              .filter(Boolean)
              .join(' ')
          : typeof answer.body === 'string'
            ? answer.body
            : '';
      throw new StepFailed(`${what}: HTTP ${answer.status} ${detail.slice(0, 400)}, expected ${status}`);
    }
    return (answer.body ?? {}) as Record<string, unknown>;
  }

  /** Polls until `probe` gives a value; the failure names what never happened. */
  private async until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    for (;;) {
      try {
        const value = await probe();
        if (value) {
          return value;
        }
      } catch (error) {
        lastError = error;
      }
      if (Date.now() > deadline) {
        const why = lastError instanceof Error ? ` (last: ${lastError.message})` : '';
        throw new StepFailed(`${what} did not happen within ${timeoutMs / 1000} s${why}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
