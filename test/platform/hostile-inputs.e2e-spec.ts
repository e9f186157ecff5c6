import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { connect } from 'node:net';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig, IntegrationLogService, Roles, UnitOfWork } from '@app/core';
import { tokenFor, waitFor } from '@app/testing';
import { Body, Controller, Get, Module, Post, Query } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { parse } from 'yaml';
import { EVENTS_PROBE_DDL, EventsProbeModule } from '../support/events-probe.module';
import { InProcessMiddleware, startInProcessMiddleware } from '../support/in-process-middleware';

/**
 * Routes that hand a request value to PostgreSQL without a validator in front, the way a future route might by
 * mistake, and routes whose own SQL fails: PostgreSQL's data exceptions are a 400 only when a value the client sent
 * caused them (security finding 6, defence in depth).
 */
@Controller('test/hostile')
@Roles('admin')
class UnvalidatedProbeController {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  @Get('letters')
  async letters(@Query('id') id: string, @Query('since') since: string) {
    return this.unitOfWork.manager.query<unknown[]>(
      'SELECT count(*)::int AS n FROM dead_letters WHERE id = coalesce($1::bigint, id) AND created_at >= $2',
      [id, since ?? '-infinity'],
    );
  }

  @Post('notes')
  async note(@Body() body: { note: unknown }) {
    return this.unitOfWork.run((manager) =>
      manager.query<unknown[]>('INSERT INTO hostile_notes (note) VALUES ($1)', [body.note]),
    );
  }

  /** Our own value fails the cast while the client's `id` is merely present. */
  @Get('own-value')
  async ownValue(@Query('id') id: string) {
    return this.unitOfWork.manager.query<unknown[]>('SELECT $1::uuid AS id, $2::text AS asked', [
      'made-by-the-server',
      id,
    ]);
  }

  /** Arithmetic overflow in our own SQL: class 22 too, and no request value in it. */
  @Get('overflow')
  async overflow() {
    return this.unitOfWork.manager.query<unknown[]>('SELECT 2147483647::int + 1 AS n');
  }
}

@Module({ controllers: [UnvalidatedProbeController] })
class UnvalidatedProbeModule {}

type Caller = 'admin' | '1c' | 'anonymous';

interface HostileCase {
  readonly route: string;
  readonly name: string;
  readonly as: Caller;
  readonly method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly body?: string;
  readonly contentType?: string;
  readonly headers?: Record<string, string>;
  /** The status the refusal must have. */
  readonly status: number;
  /** The parameter the problem must name. */
  readonly names?: string;
}

const b64 = (text: string) => Buffer.from(text).toString('base64url');
const listCursor = (value: unknown) => b64(JSON.stringify(value));
const feedCursor = (txId: string, position: string) => b64(`v1:${txId}:${position}`);
const UUID = 'b3d1e1f0-6a43-4c1e-9d2a-1f0e2d3c4b5a';
const OVER_BIGINT = '9223372036854775808';
const BIGINT_MAX = '9223372036854775807';
const jsonArrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const jsonObjects = (depth: number, leaf = '1') => `${'{"a":'.repeat(depth)}${leaf}${'}'.repeat(depth)}`;
const formBrackets = (depth: number) => `a${'[a]'.repeat(depth)}=1`;
const q = encodeURIComponent;
/** The 1C exchange answers in its own protocol, so it has its own table below. */
const EXCHANGE_PATHS = ['/api/v1/exchange/1c', '/bitrix/admin/1c_exchange.php'];

/** Cursor, date and parameter tampering, the same for every admin list. */
function listCases(route: string, base: string, cursorOf: (value: unknown) => string): HostileCase[] {
  const at = (query: string) => `${base}?${query}`;
  return [
    ['a cursor with a non-numeric id', at(`cursor=${cursorOf('abc')}`), 'cursor'],
    ['a cursor with an id over bigint', at(`cursor=${cursorOf(OVER_BIGINT)}`), 'cursor'],
    ['a cursor with a 40-digit id', at(`cursor=${cursorOf('1'.repeat(40))}`), 'cursor'],
    ['a cursor with a NUL', at(`cursor=${cursorOf('1\u0000')}`), 'cursor'],
    ['a cursor of another version', at(`cursor=${listCursor({ v: 2, id: '1' })}`), 'cursor'],
    ['a cursor that is not JSON', at(`cursor=${b64('{"v":1,"id":')}`), 'cursor'],
    ['a cursor that is not base64', at(`cursor=${q('%%%\u0000')}`), 'cursor'],
    ['a cursor of 600 characters', at(`cursor=${'A'.repeat(600)}`), 'cursor'],
    ['two cursors', at(`cursor=a&cursor=b`), 'cursor'],
    ['an impossible date', at(`from=${q('2024-02-30T00:00:00Z')}`), 'from'],
    ['a loose date', at('to=yesterday-ish'), 'to'],
    ['a date without an offset', at('from=2024-01-01T00:00:00'), 'from'],
    ['a date beyond year 9999', at(`to=${q('+275760-09-13T00:00:00Z')}`), 'to'],
    ['a date with a NUL', at(`from=${q('2024-01-01T00:00:00Z\u0000')}`), 'from'],
    ['a limit over bigint', at(`limit=${OVER_BIGINT}`), 'limit'],
    ['a negative limit', at('limit=-1'), 'limit'],
    ['an unknown parameter', at(`${q('system[]')}=x`), 'system[]'],
  ].map(([name, path, names]) => ({ route, name, as: 'admin', path, status: 400, names }));
}

function idCases(route: string, method: 'GET' | 'POST' | 'DELETE', pathOf: (id: string) => string): HostileCase[] {
  const body = method === 'POST' ? JSON.stringify({ reason: 'hostile' }) : undefined;
  const ids: [string, string, number?][] = [
    ['a non-numeric id', 'abc'],
    ['a negative id', '-1'],
    ['a fractional id', '1.5'],
    ['an id over bigint', OVER_BIGINT],
    ["a 200-digit id (over the router's parameter limit)", '9'.repeat(200), 414],
    ['a NUL id', '%00'],
    ['an id that is not percent-encoding', '%E0%A4%A', 400],
    ['a unicode id', q('☃𝄞')],
    ['an injection', q("1' OR '1'='1")],
  ];
  return ids.map(([name, id, status = 404]) => ({
    route,
    name,
    as: 'admin',
    method,
    path: pathOf(id),
    body,
    contentType: body ? 'application/json' : undefined,
    headers: method === 'POST' ? { 'idempotency-key': randomUUID() } : undefined,
    status,
  }));
}

/** A delivery 1C could send, for the cases that spoil one field of it. */
const DELIVERY = {
  document: { type: 'sales', number: 'УТ-1', date: '2026-12-05', onecId: UUID },
  counterpartyId: UUID,
  address: 'Москва',
  warehouseId: UUID,
  items: [{ lineNo: 1, productId: UUID, quantity: '1', price: '1.00', vatRate: '22', amount: '1.00' }],
  totals: { total: '1.00', cashOnDelivery: '0' },
};

/** A trip 1C could send: one stop, one order. */
const TRIP = {
  onecId: UUID,
  number: 'ЗП-1',
  date: '2026-12-05',
  courierId: UUID,
  warehouseId: UUID,
  routePoints: [{ key: 'p1', address: 'Москва' }],
  orders: [{ routePointKey: 'p1', delivery: DELIVERY }],
};

/** A JSON body sent to a state-changing route, with its own Idempotency-Key. */
function sendJson(
  route: string,
  path: string,
  as: Caller,
  name: string,
  body: string,
  status: number,
  names?: string,
): HostileCase {
  return {
    route,
    name,
    as,
    method: route.startsWith('PUT') ? 'PUT' : 'POST',
    path,
    body,
    contentType: 'application/json',
    headers: { 'idempotency-key': randomUUID() },
    status,
    names,
  };
}

/** The deliveries' doors: bodies, ids and list parameters that must be refused before anything is stored. */
function deliveryCases(): HostileCase[] {
  const spoilt = (patch: Record<string, unknown>) => JSON.stringify({ ...DELIVERY, ...patch });
  const line = DELIVERY.items[0];
  const bodies: [string, string, string?][] = [
    ['not JSON', '{"document":'],
    ['an array body', '[]'],
    ['a body 100 levels deep', jsonObjects(100)],
    ['a quantity as a JSON number', spoilt({ items: [{ ...line, quantity: 1 }] }), 'items.0.quantity'],
    ['a price in exponent form', spoilt({ items: [{ ...line, price: '1e3' }] }), 'items.0.price'],
    ['a NUL in the address', spoilt({ address: 'Москва\u0000' }), 'address'],
    ['an unknown VAT rate', spoilt({ items: [{ ...line, vatRate: '18' }] }), 'items.0.vatRate'],
    ['no items', spoilt({ items: [] }), 'items'],
    // @ValidateNested alone let these through to the handler, which answered 500 (found by the fuzz suite).
    ['no document', spoilt({ document: undefined }), 'document'],
    ['totals as a list', spoilt({ totals: [] }), 'totals'],
    ['an item that is a list', spoilt({ items: [[]] }), 'items'],
    ['501 items', spoilt({ items: Array.from({ length: 501 }, (_, i) => ({ ...line, lineNo: i + 1 })) }), 'items'],
    [
      'an impossible document date',
      spoilt({ document: { ...DELIVERY.document, date: '2026-13-45' } }),
      'document.date',
    ],
  ];
  const ids: [string, string, number][] = [
    ['an id that is not a uuid', 'abc', 400],
    ['a NUL id', '%00', 400],
    ['an injection', q("1' OR '1'='1"), 400],
    ['a uuid that is no delivery', UUID, 404],
  ];
  const byId: [string, (id: string) => string, Caller, string][] = [
    ['PUT /api/v1/deliveries/{id}', (id) => `/api/v1/deliveries/${id}`, '1c', JSON.stringify(DELIVERY)],
    ['POST /api/v1/deliveries/{id}/cancel', (id) => `/api/v1/deliveries/${id}/cancel`, '1c', '{}'],
    [
      'POST /api/v1/deliveries/{id}/status',
      (id) => `/api/v1/deliveries/${id}/status`,
      'admin',
      JSON.stringify({ status: 'accepted', occurredAt: '2026-12-05T10:00:00Z' }),
    ],
    [
      'POST /api/v1/deliveries/{id}/ack',
      (id) => `/api/v1/deliveries/${id}/ack`,
      '1c',
      JSON.stringify({ documentNumber: 'ПКО-1', documentDate: '2026-12-05' }),
    ],
  ];
  const trip = (patch: Record<string, unknown>) => JSON.stringify({ ...TRIP, ...patch });
  const order = TRIP.orders[0];
  const tripBodies: [string, string, string?][] = [
    ['not JSON', '{"onecId":'],
    ['a status only the middleware sets', trip({ status: 'closed' }), 'status'],
    ['201 orders', trip({ orders: Array.from({ length: 201 }, () => order) }), 'orders'],
    ['an order without its delivery', trip({ orders: [{ routePointKey: 'p1' }] }), 'orders.0.delivery'],
    ['a NUL in a stop key', trip({ routePoints: [{ key: 'p\u0000', address: 'A' }] }), 'routePoints.0.key'],
    [
      "an order's quantity as a JSON number",
      trip({ orders: [{ ...order, delivery: { ...DELIVERY, items: [{ ...line, quantity: 1 }] } }] }),
      'orders.0.delivery.items.0.quantity',
    ],
    ['a planned start without an offset', trip({ plannedStart: '2026-12-05T09:00:00' }), 'plannedStart'],
  ];
  return [
    ...bodies.map(([name, body, names]) =>
      sendJson('POST /api/v1/deliveries', '/api/v1/deliveries', '1c', name, body, 400, names),
    ),
    ...tripBodies.map(([name, body, names]) =>
      sendJson('POST /api/v1/delivery-trips', '/api/v1/delivery-trips', '1c', name, body, 400, names),
    ),
    ...ids.map(([name, id, status]) => ({
      route: 'GET /api/v1/delivery-trips/{id}',
      name: name.replace('no delivery', 'no trip'),
      as: '1c' as const,
      path: `/api/v1/delivery-trips/${id}`,
      status,
      names: status === 400 ? 'id' : undefined,
    })),
    ...byId.flatMap(([route, pathOf, as, body]) =>
      ids.map(([name, id, status]) =>
        sendJson(route, pathOf(id), as, name, body, status, status === 400 ? 'id' : undefined),
      ),
    ),
    sendJson(
      'POST /api/v1/deliveries/{id}/status',
      `/api/v1/deliveries/${UUID}/status`,
      'admin',
      'a status that is not one',
      JSON.stringify({ status: 'teleported', occurredAt: '2026-12-05T10:00:00Z' }),
      400,
      'status',
    ),
    sendJson(
      'POST /api/v1/deliveries/{id}/status',
      `/api/v1/deliveries/${UUID}/status`,
      'admin',
      'cash as a JSON number',
      JSON.stringify({ status: 'delivered', occurredAt: '2026-12-05T10:00:00Z', cashCollected: 1 }),
      400,
      'cashCollected',
    ),
    ...ids.map(([name, id, status]) => ({
      route: 'GET /api/v1/deliveries/{id}',
      name,
      as: 'admin' as const,
      path: `/api/v1/deliveries/${id}`,
      status,
      names: status === 400 ? 'id' : undefined,
    })),
    ...listCases('GET /api/v1/deliveries', '/api/v1/deliveries', (id) =>
      listCursor({ v: 1, createdAt: '2026-01-01T00:00:00.000Z', id }),
    ).filter((hostile) => !['from', 'to'].includes(hostile.names ?? '')),
    ...(
      [
        ['a status that is not one', 'status=teleported', 'status'],
        ['a cursor with an edited time', `cursor=${listCursor({ v: 1, createdAt: '2026-01-01', id: UUID })}`, 'cursor'],
        ['a date without an offset', 'created_from=2024-01-01T00:00:00', 'created_from'],
        ['a courier with a NUL', `courier=${q('c\u0000')}`, 'courier'],
      ] as const
    ).map(([name, query, names]) => ({
      route: 'GET /api/v1/deliveries',
      name,
      as: 'admin' as const,
      path: `/api/v1/deliveries?${query}`,
      status: 400,
      names,
    })),
  ];
}

/** A sale an admin could record for a courier, for the cases that spoil one field of it. */
const SALE = {
  courierId: UUID,
  buyer: { counterpartyId: UUID },
  priceTypeId: UUID,
  payment: 'cash',
  items: [{ productId: UUID, quantity: '1', price: '1.00', amount: '1.00' }],
  total: '1.00',
  soldAt: '2026-12-05T12:00:00+03:00',
};

/** The instant orders' doors: bodies, ids and list parameters refused before anything is stored or reserved. */
function instantOrderCases(): HostileCase[] {
  const spoilt = (patch: Record<string, unknown>) => JSON.stringify({ ...SALE, ...patch });
  const line = SALE.items[0];
  const bodies: [string, string, string?][] = [
    ['not JSON', '{"buyer":'],
    ['a body 100 levels deep', jsonObjects(100)],
    ['a quantity as a JSON number', spoilt({ items: [{ ...line, quantity: 1 }] }), 'items.0.quantity'],
    ['a price in exponent form', spoilt({ items: [{ ...line, price: '1e3' }] }), 'items.0.price'],
    ['a payment that is not one', spoilt({ payment: 'barter' }), 'payment'],
    ['a discount reason off the list', spoilt({ discountReason: 'friend' }), 'discountReason'],
    ['no buyer at all', spoilt({ buyer: {} }), 'buyer.counterpartyId'],
    ['a new buyer without a phone', spoilt({ buyer: { name: 'Анна' } }), 'buyer.phone'],
    ['a NUL in the comment', spoilt({ comment: 'a\u0000' }), 'comment'],
    ['no items', spoilt({ items: [] }), 'items'],
    // @ValidateNested alone let these through to the handler, which answered 500 (found by the fuzz suite).
    ['the buyer absent', spoilt({ buyer: undefined }), 'buyer'],
    ['the buyer as a list', spoilt({ buyer: [] }), 'buyer'],
    ['an item that is a list', spoilt({ items: [[]] }), 'items'],
    ['201 items', spoilt({ items: Array.from({ length: 201 }, () => line) }), 'items'],
    ['a sale time without an offset', spoilt({ soldAt: '2026-12-05T12:00:00' }), 'soldAt'],
    ['a delivery id that is not a uuid', spoilt({ deliveryId: 'abc' }), 'deliveryId'],
  ];
  const ids: [string, string, number][] = [
    ['an id that is not a uuid', 'abc', 400],
    ['a NUL id', '%00', 400],
    ['an injection', q("1' OR '1'='1"), 400],
    ['a uuid that is no order', UUID, 404],
  ];
  const byId: [string, (id: string) => string, Caller, string][] = [
    ['PUT /api/v1/instant-orders/{id}', (id) => `/api/v1/instant-orders/${id}`, 'admin', JSON.stringify(SALE)],
    ['POST /api/v1/instant-orders/{id}/cancel', (id) => `/api/v1/instant-orders/${id}/cancel`, 'admin', '{}'],
    [
      'POST /api/v1/instant-orders/{id}/ack',
      (id) => `/api/v1/instant-orders/${id}/ack`,
      '1c',
      JSON.stringify({ outcome: 'posted', documentNumber: 'УТ-1', documentDate: '2026-12-05' }),
    ],
  ];
  const ack = (name: string, body: unknown, names: string) =>
    sendJson(
      'POST /api/v1/instant-orders/{id}/ack',
      `/api/v1/instant-orders/${UUID}/ack`,
      '1c',
      name,
      JSON.stringify(body),
      400,
      names,
    );
  return [
    ...bodies.map(([name, body, names]) =>
      sendJson('POST /api/v1/instant-orders', '/api/v1/instant-orders', 'admin', name, body, 400, names),
    ),
    ...byId.flatMap(([route, pathOf, as, body]) =>
      ids.map(([name, id, status]) =>
        sendJson(route, pathOf(id), as, name, body, status, status === 400 ? 'id' : undefined),
      ),
    ),
    ack('a posting without its document number', { outcome: 'posted', documentDate: '2026-12-05' }, 'documentNumber'),
    ack('a rejection without a reason', { outcome: 'rejected' }, 'reason'),
    ack('an outcome that is not one', { outcome: 'maybe' }, 'outcome'),
    ...ids.map(([name, id, status]) => ({
      route: 'GET /api/v1/instant-orders/{id}',
      name,
      as: 'admin' as const,
      path: `/api/v1/instant-orders/${id}`,
      status,
      names: status === 400 ? 'id' : undefined,
    })),
    ...listCases('GET /api/v1/instant-orders', '/api/v1/instant-orders', (id) =>
      listCursor({ v: 1, createdAt: '2026-01-01T00:00:00.000Z', id }),
    ).filter((hostile) => !['from', 'to'].includes(hostile.names ?? '')),
    ...(
      [
        ['a status that is not one', 'status=teleported', 'status'],
        ['a sale date without an offset', 'sold_from=2024-01-01T00:00:00', 'sold_from'],
        ['a delivery that is not a uuid', 'delivery=abc', 'delivery'],
      ] as const
    ).map(([name, query, names]) => ({
      route: 'GET /api/v1/instant-orders',
      name,
      as: 'admin' as const,
      path: `/api/v1/instant-orders?${query}`,
      status: 400,
      names,
    })),
  ];
}

/** The returns' doors: bodies, ids and list parameters refused before anything is stored. */
function returnCases(): HostileCase[] {
  const request = (patch: Record<string, unknown>) =>
    JSON.stringify({
      sale: { kind: 'instant_order', id: UUID },
      items: [{ lineNo: 1, quantity: '1', reason: 'defective' }],
      ...patch,
    });
  const bodies: [string, string, string?][] = [
    ['not JSON', '{"sale":'],
    ['a sale of another kind', request({ sale: { kind: 'gift', id: UUID } }), 'sale.kind'],
    ['a sale id that is not a uuid', request({ sale: { kind: 'delivery', id: 'abc' } }), 'sale.id'],
    ['a reason off the list', request({ items: [{ lineNo: 1, quantity: '1', reason: 'bored' }] }), 'items.0.reason'],
    [
      'a quantity as a JSON number',
      request({ items: [{ lineNo: 1, quantity: 1, reason: 'other' }] }),
      'items.0.quantity',
    ],
    ['a line number of zero', request({ items: [{ lineNo: 0, quantity: '1', reason: 'other' }] }), 'items.0.lineNo'],
    ['no items', request({ items: [] }), 'items'],
  ];
  const ids: [string, string, number][] = [
    ['an id that is not a uuid', 'abc', 400],
    ['an injection', q("1' OR '1'='1"), 400],
    ['a uuid that is no return', UUID, 404],
  ];
  const byId: [string, Caller, string][] = [
    ['approve', 'admin', '{}'],
    ['reject', 'admin', JSON.stringify({ reason: 'нет' })],
    ['pick-up', 'admin', JSON.stringify({ occurredAt: '2026-12-05T10:00:00Z' })],
    ['receive', 'admin', JSON.stringify({ occurredAt: '2026-12-05T10:00:00Z', items: [] })],
    ['ack', '1c', JSON.stringify({ documentNumber: 'УТ-1', documentDate: '2026-12-05' })],
    ['close', 'admin', '{}'],
  ];
  const action = (name: string, caseName: string, body: unknown, names: string) =>
    sendJson(
      `POST /api/v1/returns/{id}/${name}`,
      `/api/v1/returns/${UUID}/${name}`,
      'admin',
      caseName,
      JSON.stringify(body),
      400,
      names,
    );
  return [
    ...bodies.map(([name, body, names]) =>
      sendJson('POST /api/v1/returns', '/api/v1/returns', 'admin', name, body, 400, names),
    ),
    ...byId.flatMap(([name, as, body]) =>
      ids.map(([caseName, id, status]) =>
        sendJson(
          `POST /api/v1/returns/{id}/${name}`,
          `/api/v1/returns/${id}/${name}`,
          as,
          caseName,
          body,
          status,
          status === 400 ? 'id' : undefined,
        ),
      ),
    ),
    action('reject', 'a rejection without a reason', {}, 'reason'),
    action('pick-up', 'cash as a JSON number', { occurredAt: '2026-12-05T10:00:00Z', cashRefund: 1 }, 'cashRefund'),
    action('receive', 'a time without an offset', { occurredAt: '2026-12-05T10:00:00', items: [] }, 'occurredAt'),
    ...ids.map(([name, id, status]) => ({
      route: 'GET /api/v1/returns/{id}',
      name,
      as: 'admin' as const,
      path: `/api/v1/returns/${id}`,
      status,
      names: status === 400 ? 'id' : undefined,
    })),
    ...listCases('GET /api/v1/returns', '/api/v1/returns', (id) =>
      listCursor({ v: 1, createdAt: '2026-01-01T00:00:00.000Z', id }),
    ).filter((hostile) => !['from', 'to'].includes(hostile.names ?? '')),
    ...(
      [
        ['a status that is not one', 'status=lost', 'status'],
        ['a sale that is not a uuid', 'sale_kind=delivery&sale_id=abc', 'sale_id'],
        ['a date without an offset', 'created_from=2024-01-01T00:00:00', 'created_from'],
      ] as const
    ).map(([name, query, names]) => ({
      route: 'GET /api/v1/returns',
      name,
      as: 'admin' as const,
      path: `/api/v1/returns?${query}`,
      status: 400,
      names,
    })),
  ];
}

/** The cash documents' doors: bodies, ids and list parameters refused before anything is stored or moved. */
function cashDocumentCases(): HostileCase[] {
  const document = (patch: Record<string, unknown>) =>
    JSON.stringify({ operation: 'change_fund', courierId: UUID, amount: '10.00', ...patch });
  const bodies: [string, string, string?][] = [
    ['not JSON', '{"operation":'],
    ['an operation that is not one', document({ operation: 'bribe' }), 'operation'],
    ['an amount as a JSON number', document({ amount: 10 }), 'amount'],
    [
      'a settled record of another type',
      document({ settles: [{ type: 'gift', id: UUID, amount: '1.00' }] }),
      'settles.0.type',
    ],
    [
      'a settled id that is not a uuid',
      document({ settles: [{ type: 'delivery', id: 'abc', amount: '1.00' }] }),
      'settles.0.id',
    ],
    [
      'a fiscal drive number of 15 digits',
      document({
        settles: [
          {
            type: 'delivery',
            id: UUID,
            amount: '1.00',
            fiscalReceipt: {
              fiscalDriveNumber: '123456789012345',
              documentNumber: '1',
              fiscalSign: '1',
              printedAt: '2026-12-05T10:00:00Z',
              settlementMethod: 4,
              vat: [],
            },
          },
        ],
      }),
      'settles.0.fiscalReceipt.fiscalDriveNumber',
    ],
    [
      'an expense dated loosely',
      document({ lines: [{ category: 'fuel', amount: '1.00', date: 'today', documentRef: 'x' }] }),
      'lines.0.date',
    ],
    ['an advance that is not a uuid', document({ advanceId: 'abc' }), 'advanceId'],
    ['submit as a string', document({ submit: 'yes' }), 'submit'],
    ['a purpose of 251 characters', document({ purpose: 'я'.repeat(251) }), 'purpose'],
    ['a NUL in the purpose', document({ purpose: 'a\u0000b' }), 'purpose'],
  ];
  const ids: [string, string, number][] = [
    ['an id that is not a uuid', 'abc', 400],
    ['an injection', q("1' OR '1'='1"), 400],
    ['a uuid that is no document', UUID, 404],
  ];
  const byId: [string, Caller, string][] = [
    ['submit', 'admin', '{}'],
    ['cancel', 'admin', '{}'],
    ['ack', '1c', JSON.stringify({ outcome: 'posted', documentNumber: 'ЦБ-1', documentDate: '2026-12-05' })],
  ];
  return [
    ...bodies.map(([name, body, names]) =>
      sendJson('POST /api/v1/cash-documents', '/api/v1/cash-documents', 'admin', name, body, 400, names),
    ),
    ...byId.flatMap(([name, as, body]) =>
      ids.map(([caseName, id, status]) =>
        sendJson(
          `POST /api/v1/cash-documents/{id}/${name}`,
          `/api/v1/cash-documents/${id}/${name}`,
          as,
          caseName,
          body,
          status,
          status === 400 ? 'id' : undefined,
        ),
      ),
    ),
    sendJson(
      'POST /api/v1/cash-documents/{id}/ack',
      `/api/v1/cash-documents/${UUID}/ack`,
      '1c',
      'an outcome that is not one',
      JSON.stringify({ outcome: 'maybe' }),
      400,
      'outcome',
    ),
    sendJson(
      'PUT /api/v1/cash-documents/{id}',
      `/api/v1/cash-documents/${UUID}`,
      '1c',
      'a document without its posting flag',
      document({ documentNumber: 'ЦБ-1', documentDate: '2026-12-05' }),
      400,
      'posted',
    ),
    sendJson(
      'PUT /api/v1/cash-documents/{id}',
      '/api/v1/cash-documents/abc',
      '1c',
      'an id that is not a uuid',
      document({ documentNumber: 'ЦБ-1', documentDate: '2026-12-05', posted: true }),
      400,
      'id',
    ),
    ...ids.map(([name, id, status]) => ({
      route: 'GET /api/v1/cash-documents/{id}',
      name,
      as: 'admin' as const,
      path: `/api/v1/cash-documents/${id}`,
      status,
      names: status === 400 ? 'id' : undefined,
    })),
    ...listCases('GET /api/v1/cash-documents', '/api/v1/cash-documents', (id) =>
      listCursor({ v: 1, createdAt: '2026-01-01T00:00:00.000Z', id }),
    ).filter((hostile) => !['from', 'to'].includes(hostile.names ?? '')),
    ...(
      [
        ['a status that is not one', 'status=lost', 'status'],
        ['a settled id that is not a uuid', 'settles_type=delivery&settles_id=abc', 'settles_id'],
        ['a date without an offset', 'created_from=2024-01-01T00:00:00', 'created_from'],
      ] as const
    ).map(([name, query, names]) => ({
      route: 'GET /api/v1/cash-documents',
      name,
      as: 'admin' as const,
      path: `/api/v1/cash-documents?${query}`,
      status: 400,
      names,
    })),
    ...(
      [
        [
          'an id with a control character',
          `/api/v1/couriers/${q('a\u0001b')}/cash`,
          'GET /api/v1/couriers/{id}/cash',
          'id',
        ],
        [
          'a tampered cursor',
          `/api/v1/admin/cash/balances?cursor=${listCursor({ v: 1, courierId: 'a\u0000' })}`,
          'GET /api/v1/admin/cash/balances',
          'cursor',
        ],
        [
          'a limit over the maximum',
          '/api/v1/admin/cash/balances?limit=201',
          'GET /api/v1/admin/cash/balances',
          'limit',
        ],
      ] as const
    ).map(([name, path, route, names]) => ({ route, name, as: 'admin' as const, path, status: 400, names })),
  ];
}

/** The collisions' admin API: ids, list parameters and resolution bodies refused before anything changes. */
function collisionCases(): HostileCase[] {
  const resolve = (name: string, id: string, body: string, status: number, names?: string): HostileCase => ({
    route: 'POST /api/v1/admin/collisions/{id}/resolve',
    name,
    as: 'admin',
    method: 'POST',
    path: `/api/v1/admin/collisions/${id}/resolve`,
    body,
    contentType: 'application/json',
    headers: { 'idempotency-key': randomUUID() },
    status,
    names,
  });
  const valid = JSON.stringify({ decision: 'accept_middleware', comment: 'hostile' });
  return [
    resolve('an id that is not a uuid', 'abc', valid, 400, 'id'),
    resolve('a uuid that is no collision', UUID, valid, 404),
    resolve(
      'a decision that is not one',
      UUID,
      JSON.stringify({ decision: 'flip_a_coin', comment: 'x' }),
      400,
      'decision',
    ),
    resolve('an edit without a value', UUID, JSON.stringify({ decision: 'edit', comment: 'x' }), 400, 'value'),
    resolve('no comment', UUID, JSON.stringify({ decision: 'accept_1c' }), 400, 'comment'),
    resolve(
      'a comment with a NUL',
      UUID,
      JSON.stringify({ decision: 'accept_1c', comment: 'x\u0000' }),
      400,
      'comment',
    ),
    ...(
      [
        ['an id that is not a uuid', 'abc', 400],
        ['a uuid that is no collision', UUID, 404],
      ] as const
    ).map(([name, id, status]) => ({
      route: 'GET /api/v1/admin/collisions/{id}',
      name,
      as: 'admin' as const,
      path: `/api/v1/admin/collisions/${id}`,
      status,
      names: status === 400 ? 'id' : undefined,
    })),
    ...listCases('GET /api/v1/admin/collisions', '/api/v1/admin/collisions', (id) =>
      listCursor({ v: 1, createdAt: '2026-01-01T00:00:00.000Z', id }),
    ).filter((hostile) => !['from', 'to'].includes(hostile.names ?? '')),
    ...(
      [
        ['a status that is not one', 'status=pending', 'status'],
        ['a domain with capitals and a NUL', `domain=${q('Deliveries\u0000')}`, 'domain'],
        ['an entity that is not a uuid', 'entity=abc', 'entity'],
      ] as const
    ).map(([name, query, names]) => ({
      route: 'GET /api/v1/admin/collisions',
      name,
      as: 'admin' as const,
      path: `/api/v1/admin/collisions?${query}`,
      status: 400,
      names,
    })),
  ];
}

/** The SLA admin API: ids, list parameters, resolution and evaluation bodies, report periods. */
function traceCases(): HostileCase[] {
  const byRequest: [string, string, number][] = [
    ['a request id with a space', q('a b'), 400],
    ['a request id with a NUL', '%00', 400],
    ['a request id with a semicolon', q("1';--"), 400],
    ['a unicode request id', q('☃𝄞'), 400],
    ['a request id that is not percent-encoding', '%E0%A4%A', 400],
    ["a 200-character request id (over the router's parameter limit)", 'r'.repeat(200), 414],
    ['a request id nothing carries', `hostile-${'r'.repeat(100)}`, 404],
  ];
  const byEntity: [string, string, number][] = [
    ['no entity', '', 400],
    ['an entity without an id', 'entity=delivery', 400],
    ['an entity with an empty id', `entity=${q('delivery:')}`, 400],
    ['an entity type in capitals', `entity=${q('Delivery:1')}`, 400],
    ['an entity with a NUL', `entity=${q('delivery:1\u0000')}`, 400],
    ['an entity with an injection', `entity=${q("delivery:1' OR '1'='1")}`, 400],
    ['an entity id of 201 characters', `entity=delivery:${'1'.repeat(201)}`, 400],
    ['two entities', 'entity=delivery:1&entity=delivery:2', 400],
    ['an unknown parameter', 'entity=delivery:1&requestId=x', 400],
    ['an entity nothing is about', `entity=delivery:${UUID}`, 404],
  ];
  return [
    ...byRequest.map(([name, id, status]) => ({
      route: 'GET /api/v1/admin/trace/{requestId}',
      name,
      as: 'admin' as const,
      path: `/api/v1/admin/trace/${id}`,
      status,
      names: status === 400 && !name.includes('percent') ? 'requestId' : undefined,
    })),
    ...byEntity.map(([name, query, status]) => ({
      route: 'GET /api/v1/admin/trace',
      name,
      as: 'admin' as const,
      path: `/api/v1/admin/trace?${query}`,
      status,
      names: status === 400 ? (name === 'an unknown parameter' ? 'requestId' : 'entity') : undefined,
    })),
  ];
}

function slaCases(): HostileCase[] {
  const post = (route: string, path: string, name: string, body: string, names?: string): HostileCase => ({
    route,
    name,
    as: 'admin',
    method: 'POST',
    path,
    body,
    contentType: 'application/json',
    headers: { 'idempotency-key': randomUUID() },
    status: 400,
    names,
  });
  const resolve = (name: string, body: string, names?: string) =>
    post('POST /api/v1/admin/deviations/{id}/resolve', `/api/v1/admin/deviations/${UUID}/resolve`, name, body, names);
  const evaluate = (name: string, body: string) =>
    post('POST /api/v1/admin/sla/evaluate', '/api/v1/admin/sla/evaluate', name, body, 'rules');
  return [
    { ...resolve('an id that is not a uuid', '{"comment":"x"}', 'id'), path: '/api/v1/admin/deviations/abc/resolve' },
    { ...resolve('a uuid that is no deviation', '{"comment":"x"}'), status: 404 },
    resolve('no comment', '{}', 'comment'),
    resolve('an empty comment', '{"comment":""}', 'comment'),
    resolve('a comment with a NUL', JSON.stringify({ comment: 'x\u0000' }), 'comment'),
    resolve('a comment of 1,001 characters', JSON.stringify({ comment: 'x'.repeat(1001) }), 'comment'),
    ...(
      [
        ['an id that is not a uuid', 'abc', 400],
        ['a uuid that is no deviation', UUID, 404],
      ] as const
    ).map(([name, id, status]) => ({
      route: 'GET /api/v1/admin/deviations/{id}',
      name,
      as: 'admin' as const,
      path: `/api/v1/admin/deviations/${id}`,
      status,
      names: status === 400 ? 'id' : undefined,
    })),
    ...listCases('GET /api/v1/admin/deviations', '/api/v1/admin/deviations', (id) =>
      listCursor({ v: 1, firstSeen: '2026-01-01T00:00:00.000Z', id }),
    ).filter((hostile) => !['from', 'to'].includes(hostile.names ?? '')),
    ...(
      [
        ['a status that is not one', 'status=pending', 'status'],
        ['a rule that is not one', `rule=${q('speed_limit')}`, 'rule'],
        ['a severity that is not one', 'severity=fatal', 'severity'],
        ['a subject with a NUL', `subject=${q('x\u0000')}`, 'subject'],
        ['a courier with a control character', `courierId=${q('a\u0001')}`, 'courierId'],
        ['an impossible date', `opened_from=${q('2024-02-30T00:00:00Z')}`, 'opened_from'],
        ['a date without an offset', 'opened_to=2024-01-01T00:00:00', 'opened_to'],
      ] as const
    ).map(([name, query, names]) => ({
      route: 'GET /api/v1/admin/deviations',
      name,
      as: 'admin' as const,
      path: `/api/v1/admin/deviations?${query}`,
      status: 400,
      names,
    })),
    evaluate('rules that are not a list', '{"rules":"sync_lag"}'),
    evaluate('an empty list of rules', '{"rules":[]}'),
    evaluate('a rule that is not one', '{"rules":["speed_limit"]}'),
    ...reportCases('sla'),
  ];
}

/** A report's period (`from`, `to`), as every `GET /api/v1/admin/reports/<name>` takes it. */
function reportCases(name: string): HostileCase[] {
  const report = (caseName: string, query: string, status: number, names?: string): HostileCase => ({
    route: `GET /api/v1/admin/reports/${name}`,
    name: caseName,
    as: 'admin',
    path: `/api/v1/admin/reports/${name}?${query}`,
    status,
    names,
  });
  const from = q('2026-01-01T00:00:00Z');
  return [
    report('no period', '', 400, 'from'),
    report('no end', `from=${from}`, 400, 'to'),
    report('an impossible date', `from=${q('2024-02-30T00:00:00Z')}&to=${from}`, 400, 'from'),
    report('a loose date', `from=${from}&to=yesterday-ish`, 400, 'to'),
    report('a date without an offset', `from=2024-01-01T00:00:00&to=${from}`, 400, 'from'),
    report('two starts', `from=${from}&from=${from}&to=${from}`, 400, 'from'),
    report('an end before the start', `from=${from}&to=${q('2025-01-01T00:00:00Z')}`, 422, 'to'),
    report('a period over 366 days', `from=${q('2020-01-01T00:00:00Z')}&to=${from}`, 422, 'to'),
    report('an unknown parameter', `from=${from}&to=${from}&${q('system[]')}=x`, 400, 'system[]'),
  ];
}

/** The back-office reports of the events, the 1C connector, the deliveries and the collisions. */
function backOfficeReportCases(): HostileCase[] {
  return ['sync-lag', 'dead-letters', 'exchange-sessions', 'deliveries', 'collisions'].flatMap(reportCases);
}

function ackCase(name: string, body: string, status: number, names?: string): HostileCase {
  return {
    route: 'POST /api/v1/events/ack',
    name,
    as: '1c',
    method: 'POST',
    path: '/api/v1/events/ack',
    body,
    contentType: 'application/json',
    status,
    names,
  };
}

describe('hostile input on every route that takes a cursor, a date, an id or a nested body', () => {
  let middleware: InProcessMiddleware;
  let config: AppConfig;
  let db: DataSource;
  let url: string;
  let workDir: string;
  let letterId: string;
  const webhookToken = `hostile-${randomUUID()}`;

  const send = async (hostile: HostileCase) => {
    const headers: Record<string, string> = { ...hostile.headers };
    if (hostile.as !== 'anonymous') {
      headers.authorization = `Bearer ${tokenFor(config, hostile.as)}`;
    }
    if (hostile.contentType) {
      headers['content-type'] = hostile.contentType;
    }
    const response = await fetch(`${url}${hostile.path}`, {
      method: hostile.method ?? 'GET',
      headers,
      body: hostile.body,
    });
    return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
  };

  /** A digest of every table a request could change, besides the logs of the calls themselves. */
  const snapshot = async () => {
    const tables = [
      'outbox_events',
      'dead_letters',
      'feed_cursors',
      'inbox_events',
      'processed_events',
      'admin_audit_log',
      'onec_exchange_sessions',
      'onec_exchange_files',
      'bitrix24_oauth_installations',
      'hostile_notes',
      'md_products',
      'md_feed_cursors',
      'md_reconcile_runs',
      'deliveries',
      'delivery_trips',
      'instant_orders',
      'instant_order_reservations',
      'returns',
      'cash_documents',
      'cash_collections',
      'cash_ledger_entries',
      'audit_trail',
      'collisions',
      'sla_deviations',
    ];
    const digests = await Promise.all(
      tables.map(async (table) => {
        const [row] = await db.query<{ digest: string }[]>(
          `SELECT count(*) || ':' || md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS digest
             FROM ${table} t`,
        );
        return [table, row.digest] as const;
      }),
    );
    return Object.fromEntries(digests);
  };

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'hostile-exchange-'));
    middleware = await startInProcessMiddleware({
      env: {
        BITRIX24_APPLICATION_TOKEN: webhookToken,
        ONEC_EXCHANGE_LOGIN: '1c-exchange',
        ONEC_EXCHANGE_PASSWORD: 'exchange-password-for-hostile-tests',
        ONEC_EXCHANGE_WORK_DIR: workDir,
      },
      apiImports: [EventsProbeModule, UnvalidatedProbeModule],
      worker: false,
      domains: true,
    });
    ({ config, db } = middleware);
    url = middleware.api.url;
    await db.query(EVENTS_PROBE_DDL);
    await db.query('CREATE TABLE hostile_notes (note varchar(8) NOT NULL)');

    // Something to tamper with on every list: events for the feed, one dead letter, integration log rows.
    const published = await fetch(`${url}/test/entities/update`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ subjects: ['h-1', 'h-2', 'h-3'], destination: 'onec', type: 'mastermobile.test.doc.v1' }),
    });
    expect(published.status).toBe(200);
    const onec = { authorization: `Bearer ${tokenFor(config, '1c')}` };
    await waitFor(
      async () => {
        const page = await fetch(`${url}/api/v1/events?limit=1`, { headers: onec });
        return ((await page.json()) as { events: unknown[] }).events.length === 1;
      },
      { what: 'the feed to serve its first event' },
    );
    await db.query(`UPDATE outbox_events SET status = 'dead' WHERE subject = 'h-3'`);
    [{ id: letterId }] = await db.query<{ id: string }[]>(
      `INSERT INTO dead_letters (event_id, destination, type, subject, envelope, attempts, first_failed_at,
                                 last_failed_at, error_code, error_message, reason)
       SELECT id, destination, type, subject, '{}', 1, now(), now(), 'E', 'failed', 'permanent'
         FROM outbox_events WHERE subject = 'h-3'
       RETURNING id`,
    );
    const log = middleware.api.app.get(IntegrationLogService);
    for (const index of [1, 2]) {
      await log.record({
        direction: 'outbound',
        system: 'bitrix24',
        operation: 'crm.item.add',
        outcome: 'success',
        requestId: `h-${index}`,
      });
    }
  });
  afterAll(async () => {
    await middleware?.close();
    await rm(workDir, { recursive: true, force: true });
  });

  const validWebhook = (data: string) =>
    `{"event":"ONCRMDEALUPDATE","ts":"1","data":${data},"auth":{"application_token":"${webhookToken}",` +
    `"member_id":"m","domain":"example.bitrix24.com"}}`;

  const cases: HostileCase[] = [
    ...listCases('GET /api/v1/admin/integration-log', '/api/v1/admin/integration-log', (id) =>
      listCursor({ v: 1, id }),
    ),
    {
      route: 'GET /api/v1/admin/integration-log',
      name: 'a filter with a NUL',
      as: 'admin',
      path: `/api/v1/admin/integration-log?requestId=${q('h-1\u0000')}`,
      status: 400,
      names: 'requestId',
    },
    ...listCases('GET /api/v1/admin/dead-letters', '/api/v1/admin/dead-letters', (id) => listCursor({ v: 1, id })),
    {
      route: 'GET /api/v1/admin/dead-letters',
      name: 'a subject with a NUL',
      as: 'admin',
      path: `/api/v1/admin/dead-letters?subject=${q('h-3\u0000')}`,
      status: 400,
      names: 'subject',
    },
    ...listCases('GET /api/v1/admin/exchange-sessions', '/api/v1/admin/exchange-sessions', (id) =>
      listCursor({ v: 1, createdAt: '2024-02-29T10:00:00.000Z', id }),
    ).filter((hostile) => !['from', 'to'].includes(hostile.names ?? '')),
    ...[
      ['a cursor with a loose date', { v: 1, createdAt: 'yesterday-ish', id: UUID }],
      ['a cursor with an impossible date', { v: 1, createdAt: '2024-02-30T00:00:00.000Z', id: UUID }],
      ['a cursor with a numeric date', { v: 1, createdAt: 1709200800000, id: UUID }],
      ['a cursor with a non-uuid id', { v: 1, createdAt: '2024-02-29T10:00:00.000Z', id: 'abc' }],
    ].map(([name, cursor]) => ({
      route: 'GET /api/v1/admin/exchange-sessions',
      name: name as string,
      as: 'admin' as const,
      path: `/api/v1/admin/exchange-sessions?cursor=${listCursor(cursor)}`,
      status: 400,
      names: 'cursor',
    })),
    ...listCases('GET /api/v1/admin/bitrix24/unhandled-changes', '/api/v1/admin/bitrix24/unhandled-changes', (id) =>
      listCursor({ v: 1, id }),
    ).filter((hostile) => !['from', 'to'].includes(hostile.names ?? '')),
    ...listCases('GET /api/v1/admin/reconcile/runs', '/api/v1/admin/reconcile/runs', (id) =>
      listCursor({ v: 1, startedAt: '2024-02-29T10:00:00.000Z', id }),
    ).filter((hostile) => !['from', 'to'].includes(hostile.names ?? '')),
    {
      route: 'GET /api/v1/admin/reconcile/runs',
      name: 'a cursor with an impossible date',
      as: 'admin',
      path: `/api/v1/admin/reconcile/runs?cursor=${listCursor({ v: 1, startedAt: '2024-02-30T00:00:00.000Z', id: UUID })}`,
      status: 400,
      names: 'cursor',
    },
    ...idCases('GET /api/v1/admin/reconcile/runs/{id}', 'GET', (id) => `/api/v1/admin/reconcile/runs/${id}`),
    ...(
      [
        ['a kind without Bitrix24 copies', 'prices', 404],
        ['an unknown kind', 'goods', 404],
        ['a NUL kind', '%00', 404],
        ['an injection', q("products' OR '1'='1"), 404],
        ['a kind that is not percent-encoding', '%E0%A4%A', 400],
        ["a 200-character kind (over the router's parameter limit)", 'p'.repeat(200), 414],
      ] as const
    ).map(([name, kind, status]) => ({
      route: 'POST /api/v1/admin/reconcile/{kind}',
      name,
      as: 'admin' as const,
      method: 'POST' as const,
      path: `/api/v1/admin/reconcile/${kind}`,
      body: '{}',
      contentType: 'application/json',
      headers: { 'idempotency-key': randomUUID() },
      status,
    })),
    ...(
      [
        ['dryRun that is not a boolean', '{"dryRun":"yes"}', 'dryRun'],
        ['an unknown property', '{"dryRun":true,"force":true}', 'force'],
        ['a body 100 levels deep', jsonObjects(100), undefined],
      ] as const
    ).map(([name, body, names]) => ({
      route: 'POST /api/v1/admin/reconcile/{kind}',
      name,
      as: 'admin' as const,
      method: 'POST' as const,
      path: '/api/v1/admin/reconcile/products',
      body,
      contentType: 'application/json',
      headers: { 'idempotency-key': randomUUID() },
      status: 400,
      names,
    })),
    ...idCases('GET /api/v1/admin/dead-letters/{id}', 'GET', (id) => `/api/v1/admin/dead-letters/${id}`),
    ...idCases(
      'DELETE /api/v1/admin/dead-letters/{id}',
      'DELETE',
      (id) => `/api/v1/admin/dead-letters/${id}?reason=hostile`,
    ),
    ...idCases(
      'POST /api/v1/admin/dead-letters/{id}/replay',
      'POST',
      (id) => `/api/v1/admin/dead-letters/${id}/replay`,
    ),
    ...(
      [
        ['no reason', () => '', 'reason'],
        ['two reasons', () => 'reason=a&reason=b', 'reason'],
        ['a reason with a NUL', () => `reason=${q('tidy\u0000')}`, 'reason'],
      ] as const
    ).map(([name, query, names]) => ({
      route: 'DELETE /api/v1/admin/dead-letters/{id}',
      name,
      as: 'admin' as const,
      method: 'DELETE' as const,
      path: `/api/v1/admin/dead-letters/{letter}?${query()}`,
      status: 400,
      names,
    })),
    ...(
      [
        ['a reason of the wrong type', '{"reason":{"$ne":1}}', 'reason'],
        ['a reason with a NUL', '{"reason":"fixed\\u0000"}', 'reason'],
        ['a body 100 levels deep', jsonObjects(100), undefined],
        ['a body 200,000 levels deep', jsonArrays(200_000), undefined],
      ] as const
    ).map(([name, body, names]) => ({
      route: 'POST /api/v1/admin/dead-letters/{id}/replay',
      name,
      as: 'admin' as const,
      method: 'POST' as const,
      path: '/api/v1/admin/dead-letters/{letter}/replay',
      body,
      contentType: 'application/json',
      headers: { 'idempotency-key': randomUUID() },
      status: 400,
      names,
    })),
    ...(
      [
        ['an impossible date', '{"reason":"r","from":"2024-02-30T00:00:00Z"}', 'from'],
        ['a loose date', '{"reason":"r","to":"yesterday-ish"}', 'to'],
        ['a date of the wrong type', '{"reason":"r","from":1709200800000}', 'from'],
        ['a nested filter', '{"reason":"r","subject":{"$gt":""}}', 'subject'],
        ['a type with a NUL', '{"reason":"r","type":"t\\u0000"}', 'type'],
        ['an unknown field', '{"reason":"r","status":"open"}', 'status'],
        ['a body 100 levels deep', `{"reason":"r","subject":${jsonObjects(99)}}`, undefined],
        ['a body 200,000 levels deep', jsonArrays(200_000), undefined],
        ['not JSON', '{"reason":', undefined],
      ] as const
    ).map(([name, body, names]) => ({
      route: 'POST /api/v1/admin/dead-letters/replay',
      name,
      as: 'admin' as const,
      method: 'POST' as const,
      path: '/api/v1/admin/dead-letters/replay',
      body,
      contentType: 'application/json',
      headers: { 'idempotency-key': randomUUID() },
      status: 400,
      names,
    })),
    ...(
      [
        ['a cursor over bigint', `cursor=${feedCursor(OVER_BIGINT, '1')}`, 400, 'cursor'],
        ['a cursor of 20 digits', `cursor=${feedCursor('1'.repeat(20), '1')}`, 400, 'cursor'],
        ['a negative cursor', `cursor=${feedCursor('-1', '0')}`, 400, 'cursor'],
        ['a list cursor', `cursor=${listCursor({ v: 1, id: '1' })}`, 400, 'cursor'],
        ['a cursor with a NUL', `cursor=${b64('v1:1:1\u0000')}`, 400, 'cursor'],
        ['a cursor beyond the served events', `cursor=${feedCursor(BIGINT_MAX, BIGINT_MAX)}`, 409, 'cursor'],
        ['a limit of zero', 'limit=0', 400, 'limit'],
        ['51 types', `types=${Array.from({ length: 51 }, (_, index) => `t${index}`).join(',')}`, 400, 'types'],
        ['a type with a NUL', `types=${q('a\u0000')}`, 400, 'types'],
      ] as const
    ).map(([name, query, status, names]) => ({
      route: 'GET /api/v1/events',
      name,
      as: '1c' as const,
      path: `/api/v1/events?${query}`,
      status,
      names,
    })),
    ackCase('a cursor over bigint', JSON.stringify({ cursor: feedCursor(OVER_BIGINT, '1') }), 400, 'cursor'),
    ackCase('a cursor beyond the newest event', JSON.stringify({ cursor: feedCursor(BIGINT_MAX, '0') }), 409, 'cursor'),
    ackCase('a cursor of the wrong type', '{"cursor":12}', 400, 'cursor'),
    ackCase('a nested cursor', '{"cursor":{"txId":"1"}}', 400, 'cursor'),
    ackCase('a cursor of 300 characters', JSON.stringify({ cursor: 'A'.repeat(300) }), 400, 'cursor'),
    ackCase('an array body', '[]', 400),
    ackCase('a null body', 'null', 400),
    ackCase('a body 100 levels deep', `{"cursor":${jsonObjects(99, '"x"')}}`, 400),
    ackCase('a body 200,000 levels deep', jsonArrays(200_000), 400),
    ackCase('unicode in the cursor', JSON.stringify({ cursor: '☃𝄞\u202e' }), 400, 'cursor'),
    ...listCases('GET /api/v1/master-data/{kind}', '/api/v1/master-data/products', (id) =>
      listCursor({ v: 1, tx: '1', id }),
    ).filter((hostile) => !['from', 'to'].includes(hostile.names ?? '')),
    ...(
      [
        ['a cursor with a tx over bigint', `cursor=${listCursor({ v: 1, tx: OVER_BIGINT, id: UUID })}`, 'cursor'],
        ['a cursor with a non-uuid id', `cursor=${listCursor({ v: 1, tx: '1', id: "1' OR '1'='1" })}`, 'cursor'],
        ['an impossible date', `updated_after=${q('2024-02-30T00:00:00Z')}`, 'updated_after'],
        ['a date without an offset', 'updated_after=2024-01-01T00:00:00', 'updated_after'],
        ['a filter the kind does not have', `inn=7707083893`, 'inn'],
        ['a filter with a NUL', `group=${q('g\u0000')}`, 'group'],
        ['a search with a NUL', `search=${q('вода\u0000')}`, 'search'],
        ['two searches', 'search=a&search=b', 'search'],
        ['include_deleted that is not a boolean', 'include_deleted=1', 'include_deleted'],
        ['an unknown parameter', `${q('group[]')}=x`, 'group[]'],
      ] as const
    ).map(([name, query, names]) => ({
      route: 'GET /api/v1/master-data/{kind}',
      name,
      as: 'admin' as const,
      path: `/api/v1/master-data/products?${query}`,
      status: 400,
      names,
    })),
    ...[
      ['an unknown kind', 'goods'],
      ['a kind with a NUL', q('products\u0000')],
      ['a traversal kind', q('../admin')],
    ].map(([name, kind]) => ({
      route: 'GET /api/v1/master-data/{kind}',
      name,
      as: 'admin' as const,
      path: `/api/v1/master-data/${kind}`,
      status: 400,
      names: 'kind',
    })),
    ...(['GET', 'DELETE'] as const).flatMap((method) =>
      (
        [
          ['an id that is no row', 'abc', 404],
          ['a uuid that is no row', UUID, 404],
          ['an injection', q("1' OR '1'='1"), 404],
          ['a unicode id', q('☃𝄞'), 404],
          ['a NUL id', '%00', 400],
          ['an id that is not percent-encoding', '%E0%A4%A', 400],
          ["a 200-digit id (over the router's parameter limit)", '9'.repeat(200), 414],
        ] as const
      ).map(([name, id, status]) => ({
        route: `${method} /api/v1/master-data/{kind}/{id}`,
        name,
        as: method === 'GET' ? ('admin' as const) : ('1c' as const),
        method,
        path: `/api/v1/master-data/products/${id}`,
        status,
      })),
    ),
    ...(
      [
        ['a body 100 levels deep', jsonObjects(100), undefined],
        ['a body 200,000 levels deep', jsonArrays(200_000), undefined],
        ['not JSON', '{"items":', undefined],
        ['an array body', '[]', undefined],
        ['items that are not objects', '{"items":[1,"x",null]}', 'items'],
        ['items that are not a list', '{"items":{"0":{}}}', 'items'],
        ['an item 100 levels deep', `{"items":[${jsonObjects(99)}]}`, undefined],
        ['1,001 items', JSON.stringify({ items: Array.from({ length: 1001 }, () => ({})) }), 'items'],
      ] as const
    ).map(([name, body, names]) => ({
      route: 'PUT /api/v1/master-data/{kind}',
      name,
      as: '1c' as const,
      method: 'PUT' as const,
      path: '/api/v1/master-data/products',
      body,
      contentType: 'application/json',
      headers: { 'idempotency-key': randomUUID() },
      status: 400,
      names,
    })),
    {
      route: 'PUT /api/v1/master-data/{kind}',
      name: 'an unknown kind',
      as: '1c',
      method: 'PUT',
      path: '/api/v1/master-data/goods',
      body: '{"items":[{}]}',
      contentType: 'application/json',
      headers: { 'idempotency-key': randomUUID() },
      status: 400,
      names: 'kind',
    },
    ...deliveryCases(),
    ...instantOrderCases(),
    ...returnCases(),
    ...cashDocumentCases(),
    sendJson(
      'POST /api/v1/admin/console/sign-ins',
      '/api/v1/admin/console/sign-ins',
      'admin',
      'a sign-in method that is not one',
      JSON.stringify({ method: 'telepathy' }),
      400,
      'method',
    ),
    sendJson(
      'POST /api/v1/admin/console/sign-ins',
      '/api/v1/admin/console/sign-ins',
      'admin',
      'not JSON',
      '{"method":',
      400,
    ),
    ...collisionCases(),
    ...slaCases(),
    ...backOfficeReportCases(),
    ...traceCases(),
    {
      route: 'GET /api/v1/master-data/cursors',
      name: 'a tampered cursor it does not take',
      as: 'admin',
      path: `/api/v1/master-data/cursors?cursor=${listCursor({ v: 1, id: 'abc' })}`,
      status: 200,
    },
    {
      route: 'GET /api/v1/admin/connectors',
      name: 'a tampered cursor it does not take',
      as: 'admin',
      path: `/api/v1/admin/connectors?cursor=${listCursor({ v: 1, id: 'abc' })}`,
      status: 200,
    },
    ...(
      [
        ['data 100 levels deep (JSON)', validWebhook(jsonObjects(100)), 'application/json'],
        ['data 5,000 levels deep (JSON)', validWebhook(jsonObjects(5_000)), 'application/json'],
        [
          'keys 100 levels deep (form)',
          `${formBrackets(100)}&auth%5Bapplication_token%5D=${webhookToken}`,
          'application/x-www-form-urlencoded',
        ],
        ['data with a NUL', validWebhook('{"FIELDS":{"ID":"1\\u0000"}}'), 'application/json'],
        ['a key with a NUL', validWebhook('{"FIELDS\\u0000":{"ID":"1"}}'), 'application/json'],
      ] as const
    ).map(([name, body, contentType]) => ({
      route: 'POST /api/v1/webhooks/bitrix24',
      name,
      as: 'anonymous' as const,
      method: 'POST' as const,
      path: '/api/v1/webhooks/bitrix24',
      body,
      contentType,
      status: 400,
    })),
    ...(
      [
        ['a body 100 levels deep', jsonObjects(100), 'application/json'],
        ['keys 100 levels deep (form)', formBrackets(100), 'application/x-www-form-urlencoded'],
      ] as const
    ).map(([name, body, contentType]) => ({
      route: 'POST /api/v1/webhooks/bitrix24/install',
      name,
      as: 'anonymous' as const,
      method: 'POST' as const,
      path: '/api/v1/webhooks/bitrix24/install',
      body,
      contentType,
      status: 400,
    })),
  ];

  it('covers every operation of the contract (openapi.yaml)', () => {
    const contract = parse(readFileSync(join(__dirname, '..', '..', 'openapi.yaml'), 'utf8')) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const operations = Object.entries(contract.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const covered = new Set([
      ...cases.map((hostile) => hostile.route),
      ...EXCHANGE_PATHS.flatMap((path) => [`GET ${path}`, `POST ${path}`]),
    ]);
    expect(operations.filter((operation) => !covered.has(operation))).toEqual([]);
  });

  it.each(cases.map((hostile) => [hostile.route, hostile.name, hostile] as const))(
    '%s: %s is refused with problem+json, never a 5xx, and changes nothing',
    async (_route, _name, hostile) => {
      const before = await snapshot();
      const answer = await send({ ...hostile, path: hostile.path.replace('{letter}', letterId) });
      expect({ status: answer.status, body: answer.text.slice(0, 300) }).toEqual({
        status: hostile.status,
        body: expect.any(String) as string,
      });
      if (hostile.status >= 400) {
        expect(answer.type).toMatch(/^application\/problem\+json/);
        const problem = JSON.parse(answer.text) as { status: number; errors?: { path: string }[] };
        expect(problem.status).toBe(hostile.status);
        if (hostile.names) {
          expect(problem.errors?.map((error) => error.path)).toContain(hostile.names);
        }
      }
      expect(await snapshot()).toEqual(before);
    },
  );

  describe('the 1C exchange (its protocol answers text, not problem+json)', () => {
    it.each([
      ['a NUL in the type', `type=${q('catalog\u0000')}&mode=checkauth`],
      ['an unknown mode', 'type=catalog&mode=drop'],
      ['a forged sessid', `type=catalog&mode=init&sessid=${q('\u0000☃')}`],
      ['a traversal filename', `type=catalog&mode=file&filename=${q('../../etc/passwd')}`],
      ['a NUL filename', `type=catalog&mode=import&filename=${q('import.xml\u0000.png')}`],
      ['a 3 KB query', `type=sale&mode=query&x=${'y'.repeat(3_000)}`],
    ])('refuses %s unauthenticated without a 5xx or any session', async (_, query) => {
      const before = await snapshot();
      for (const path of EXCHANGE_PATHS) {
        const response = await fetch(`${url}${path}?${query}`, {
          method: query.includes('mode=file') ? 'POST' : 'GET',
          headers: { cookie: 'MM1C_EXCHANGE=forged' },
          body: query.includes('mode=file') ? 'payload' : undefined,
        });
        const text = await response.text();
        expect(response.status).toBeLessThan(500);
        expect(text.split('\n')[0]).toBe('failure');
      }
      expect(await snapshot()).toEqual(before);
    });
  });

  describe('PostgreSQL data exceptions behind a route without validation', () => {
    const call = async (path: string, body?: unknown) => {
      const response = await fetch(`${url}/test/hostile/${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: {
          authorization: `Bearer ${tokenFor(config, 'admin')}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return {
        status: response.status,
        type: response.headers.get('content-type') ?? '',
        problem: (await response.json()) as { code?: string; detail?: string; errors?: { path: string }[] },
      };
    };

    it.each([
      ['a non-numeric id (22P02)', `letters?id=abc`, undefined, 'id'],
      ['an id over bigint (22003)', `letters?id=${OVER_BIGINT}`, undefined, 'id'],
      ['an impossible date (22008)', `letters?since=${q('2024-02-30')}`, undefined, 'since'],
      ['a loose date (22007)', 'letters?since=yesterday-ish', undefined, 'since'],
      ['a string too long for its column (22001)', 'notes', { note: 'x'.repeat(9) }, 'note'],
      ['a NUL in text (22021)', 'notes', { note: 'a\u0000' }, 'note'],
    ])('answers 400 naming the parameter for %s, without SQL', async (_, path, body, names) => {
      const before = await snapshot();
      const answer = await call(path, body);
      expect(answer.status).toBe(400);
      expect(answer.type).toMatch(/^application\/problem\+json/);
      expect(answer.problem).toMatchObject({ code: 'INVALID_VALUE', errors: [{ path: names }] });
      expect(JSON.stringify(answer.problem)).not.toMatch(
        /SELECT|INSERT|bigint|uuid|varying|dead_letters|hostile_notes/i,
      );
      expect(await snapshot()).toEqual(before);
    });

    it.each([
      ['our own value fails a cast while the client sent one', 'own-value?id=abc'],
      ['our own arithmetic overflows', 'overflow'],
    ])('stays a 500 when %s: it is ours to fix', async (_, path) => {
      const answer = await call(path);
      expect(answer.status).toBe(500);
      expect(answer.problem).toMatchObject({ code: 'INTERNAL' });
    });
  });

  describe("what Node's HTTP parser refuses before Fastify sees the request", () => {
    /** A raw exchange: the parser closes the connection after its answer, which fetch reports as a failure. */
    const raw = (request: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(Number(new URL(url).port), '127.0.0.1');
        const chunks: Buffer[] = [];
        socket.on('data', (chunk: Buffer) => chunks.push(chunk));
        socket.on('error', reject);
        socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
        socket.end(request);
      });

    it.each([
      ['a URL over 16 KB', 431, `GET /api/v1/deliveries?x=${'y'.repeat(17_000)} HTTP/1.1\r\nHost: a\r\n\r\n`],
      ['headers over 16 KB', 431, `GET /api/v1/deliveries HTTP/1.1\r\nHost: a\r\nX-Big: ${'y'.repeat(17_000)}\r\n\r\n`],
      ['a request line that is not HTTP', 400, 'GET /\u0000 HTTP/1.1\r\n\r\n'],
      ['a header without a colon', 400, 'GET / HTTP/1.1\r\nHost a\r\n\r\n'],
    ])('answers %s with a problem+json %d and changes nothing', async (_, status, request) => {
      const before = await snapshot();
      const answer = await raw(request);
      const [head, body] = answer.split('\r\n\r\n');
      expect(head.split('\r\n')[0]).toBe(`HTTP/1.1 ${status} ${STATUS_CODES[status]}`);
      expect(head).toMatch(/^content-type: application\/problem\+json/im);
      expect(JSON.parse(body)).toMatchObject({ status, title: STATUS_CODES[status] });
      expect(await snapshot()).toEqual(before);
    });
  });
});
