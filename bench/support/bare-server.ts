/**
 * The baselines of the HTTP benchmarks: the same transactions as our endpoints', hand-written on node:http and pg.
 * What the framework, validation and our layers cost is the difference. `node dist/bench/support/bare-server.js
 * <database-url> <pool-size> [prepared]` runs one in a process of its own (as the API runs in its own) and prints its
 * port. It sends its statements unnamed, as a plain pg server does (`client.query(text, values)`); with `prepared`
 * it names them by the API's own rule (StatementNames), to show what the API's prepared statements alone are worth.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool, type PoolClient, type QueryResult, type QueryResultRow } from 'pg';
// The API's own modules of plain SQL and hashing, which import nothing of the framework: the bare process loads none
// of what it is measured against.
import { AUDIT_TRAIL_INSERT_SQL } from '../../libs/audit/src/infrastructure/audit-trail-sql';
import { advisoryLockKey, sha256Hex } from '../../libs/core/src/idempotency/canonical-json';
import { StatementNames } from '../../libs/core/src/database/statement-names';
import { IDEMPOTENCY_CLAIM_SQL } from '../../libs/core/src/idempotency/idempotency-sql';
import { OUTBOX_INSERT_SQL } from '../../libs/events/src/outbox/outbox-sql';

/** The webhook's one configured token and portal: the bare server knows them as the API knows its installation. */
export interface BareWebhookAuth {
  readonly applicationToken: string;
  readonly memberId: string;
  readonly domain: string;
}

export const BARE_WEBHOOK_AUTH: BareWebhookAuth = {
  applicationToken: 'bench-application-token',
  memberId: 'bench-member',
  domain: 'bench.bitrix24.ru',
};

/** What a transaction's work sends its statements through. */
interface Queries {
  query<Row extends QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<Row>>;
}

export class BareServer {
  private constructor(
    private readonly pool: Pool,
    private readonly server: Server,
    readonly url: string,
    private readonly statementNames: StatementNames | undefined,
  ) {}

  static async start(databaseUrl: string, poolSize: number, options: { port?: number; prepared?: boolean } = {}) {
    const pool = new Pool({ connectionString: databaseUrl, max: poolSize });
    let instance: BareServer | undefined = undefined;
    const server = createServer((request, response) => {
      void instance!.handle(request).then(
        ([status, body]) => response.writeHead(status, { 'content-type': 'application/json' }).end(body),
        (error: Error) => response.writeHead(500).end(error.message),
      );
    });
    await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
    instance = new BareServer(
      pool,
      server,
      `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      options.prepared ? new StatementNames() : undefined,
    );
    return instance;
  }

  /** Rows of its own (another document range), assigned to `courierId`, for `POST /deliveries/:id/status`. */
  async prepare(count: number, refs: { counterpartyId: string; warehouseId: string; courierId: string }) {
    return insertAssignedDeliveries(this.pool, 'baseline', count, refs);
  }

  private async handle(request: IncomingMessage): Promise<[number, string]> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) {
      chunks.push(chunk as Buffer);
    }
    const body = Buffer.concat(chunks).toString();
    const path = request.url!.split('?')[0].split('/');
    if (path[1] === 'deliveries' && path[3] === 'status') {
      return [200, await this.transaction((client) => statusChange(client, path[2], body, request))];
    }
    if (path[1] === 'webhooks') {
      return this.webhook(parseForm(body));
    }
    return [404, '{}'];
  }

  private async webhook(form: Record<string, unknown>): Promise<[number, string]> {
    const auth = (form.auth ?? {}) as Record<string, string>;
    if (
      auth.application_token !== BARE_WEBHOOK_AUTH.applicationToken ||
      auth.member_id !== BARE_WEBHOOK_AUTH.memberId ||
      auth.domain !== BARE_WEBHOOK_AUTH.domain
    ) {
      return [401, '{}'];
    }
    const event = String(form.event);
    const fields = ((form.data ?? {}) as { FIELDS?: Record<string, string> }).FIELDS ?? {};
    const subject = `crm:${fields.ENTITY_TYPE_ID}:${fields.ID}`;
    const inserted = await this.transaction(async (client) => {
      const { rows } = await client.query<{ id: string; inserted: boolean }>(
        `INSERT INTO inbox_events (id, source, dedup_key, type, subject, payload, request_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (source, dedup_key) DO UPDATE SET duplicates = inbox_events.duplicates + 1
         RETURNING id, (xmax = 0) AS inserted, duplicates`,
        [
          randomUUID(),
          'bitrix24',
          `${event}|${fields.ENTITY_TYPE_ID}:${fields.ID}|${String(form.ts)}|${String(form.event_handler_id)}`,
          event,
          subject,
          JSON.stringify({
            event,
            event_handler_id: form.event_handler_id,
            ts: form.ts,
            data: form.data,
            auth: { domain: auth.domain, member_id: auth.member_id },
            via: 'webhook',
          }),
          randomUUID(),
        ],
      );
      if (rows[0].inserted) {
        await client.query(OUTBOX_INSERT_SQL, [
          JSON.stringify([
            {
              id: randomUUID(),
              destination: 'internal.bitrix24-inbox',
              type: 'mastermobile.bitrix24.event_received.v1',
              subject,
              data: { inboxId: rows[0].id, source: 'bitrix24', type: event },
              entity_version: null,
              source: '/bench',
              time: new Date(),
              request_id: null,
              traceparent: null,
            },
          ]),
        ]);
      }
      return rows[0].inserted;
    });
    return [200, JSON.stringify({ status: inserted ? 'accepted' : 'duplicate' })];
  }

  private async transaction<T>(work: (client: Queries) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('START TRANSACTION');
      const result = await work(this.statementNames ? named(client, this.statementNames) : client);
      await client.query('COMMIT');
      return result;
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

/*
 * The status door's statements as the API sends them, text included, logged from its pg client under bench:http
 * (a `--require` hook over `pg.Client.prototype.query`; docs/benchmarks.md). The claim and the appended rows' inserts
 * come from the API's own modules of plain SQL; the locked read (TypeORM's) and the appended statement's shape
 * (UnitOfWork's) are copied, since their sources are the framework. When those change, log them again.
 */

/** The delivery store's locked read: the whole row, as the entity maps it. */
const LOCKED_READ =
  'SELECT id AS "id", onec_document_id AS "onecDocumentId", document_type AS "documentType", document_number AS "documentNumber", document_date::text AS "documentDate", counterparty_id AS "counterpartyId", address AS "address", latitude AS "latitude", longitude AS "longitude", contact_name AS "contactName", contact_phone AS "contactPhone", window_from AS "windowFrom", window_to AS "windowTo", warehouse_id AS "warehouseId", courier_id AS "courierId", comment AS "comment", items AS "items", total AS "total", cash_on_delivery AS "cashOnDelivery", status AS "status", outcome AS "outcome", outcome_status AS "outcomeStatus", outcome_at AS "outcomeAt", onec_acknowledgement AS "onecAcknowledgement", confirmation_sent_at AS "confirmationSentAt", confirmations_sent AS "confirmationsSent", trip_id AS "tripId", version AS "version", created_at AS "createdAt", updated_at AS "updatedAt" FROM deliveries WHERE id = $1 FOR UPDATE';

/** UnitOfWork's last statement: the audit row, the outbox row and the key's answer (libs/core/src/database). */
const APPENDED_SQL = `WITH a0 AS (${AUDIT_TRAIL_INSERT_SQL}), a1 AS (${OUTBOX_INSERT_SQL.replace('$1', '$2')}) UPDATE idempotency_keys AS k
             SET response_status = a.status, response_headers = a.headers, response_body = a.body
            FROM (VALUES ($3::text, $4::text, $5::text, $6::text, $7::smallint, $8::jsonb, $9::text)) AS a(principal, method, route, key, status, headers, body)
           WHERE (k.principal, k.method, k.route, k.key) = (a.principal, a.method, a.route, a.key)`;

interface DeliveryRow {
  id: string;
  onecDocumentId: string;
  documentType: string;
  documentNumber: string;
  documentDate: string;
  counterpartyId: string;
  address: string;
  latitude: string | null;
  longitude: string | null;
  contactName: string | null;
  contactPhone: string | null;
  windowFrom: Date | null;
  windowTo: Date | null;
  warehouseId: string;
  courierId: string | null;
  comment: string | null;
  items: unknown[];
  total: string;
  cashOnDelivery: string;
  status: string;
  onecAcknowledgement: unknown;
  tripId: string | null;
  version: number;
  createdAt: Date;
}

/** `client`'s statements under the names `names` gives them, as the API's unit of work sends them. */
function named(client: PoolClient, names: StatementNames): Queries {
  return {
    query<Row extends QueryResultRow>(text: string, values?: unknown[]) {
      const name = names.nameFor(text);
      return name === undefined ? client.query<Row>(text, values) : client.query<Row>({ name, text, values });
    },
  };
}

/**
 * The status door's transaction, statement for statement and parameter for parameter as the API runs it: the
 * idempotency key claimed (its fingerprint and advisory-lock key hashed as the API hashes them), the whole delivery
 * locked and read, the changed columns written, then one statement for the rows nobody reads back in the transaction
 * (the audit row with its before/after snapshots, the board's upsert event, the key's stored answer: the whole
 * delivery, as the API answers it).
 */
async function statusChange(client: Queries, id: string, body: string, request: IncomingMessage) {
  const { status, occurredAt } = JSON.parse(body) as { status: string; occurredAt: string };
  const key = String(request.headers['idempotency-key']);
  const requestId = randomUUID();
  const scope = ['courier-subject|courier', 'POST', '/api/v1/deliveries/:id/status', key];
  const claimed = await client.query(IDEMPOTENCY_CLAIM_SQL, [
    ...scope,
    sha256Hex(`POST\n${request.url}\n${body}`),
    requestId,
    24,
    advisoryLockKey(scope.join('\n')),
  ]);
  if (claimed.rowCount !== 1) {
    throw new Error(`idempotency key ${key} is taken`);
  }
  const { rows } = await client.query<DeliveryRow>(LOCKED_READ, [id]);
  const row = rows[0];
  const version = row.version + 1;
  const updatedAt = new Date();
  // As the API writes it: the changed columns only, over the version it read.
  await client.query(
    'UPDATE deliveries SET status = $3, version = $4, updated_at = $5 WHERE id = $1 AND version = $2',
    [id, row.version, status, version, updatedAt],
  );
  const answer = JSON.stringify({
    id,
    status,
    document: {
      type: row.documentType,
      number: row.documentNumber,
      date: row.documentDate,
      onecId: row.onecDocumentId,
    },
    counterpartyId: row.counterpartyId,
    address: row.address,
    geo: row.latitude === null ? null : { lat: Number(row.latitude), lon: Number(row.longitude) },
    contactName: row.contactName,
    contactPhone: row.contactPhone,
    windowFrom: row.windowFrom,
    windowTo: row.windowTo,
    warehouseId: row.warehouseId,
    courierId: row.courierId,
    comment: row.comment,
    items: row.items,
    totals: { total: row.total, cashOnDelivery: row.cashOnDelivery },
    outcome: null,
    onecAcknowledgement: row.onecAcknowledgement,
    tripId: row.tripId,
    version,
    createdAt: row.createdAt,
    updatedAt,
  });
  const traceparent = `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-00`;
  await client.query(APPENDED_SQL, [
    JSON.stringify([
      {
        domain: 'deliveries',
        entity_type: 'delivery',
        entity_id: id,
        action: 'status_changed',
        source: 'courier-rest',
        actor: 'courier-subject',
        actor_role: 'courier',
        before: { status: row.status, courierId: row.courierId, version: row.version },
        after: { status, courierId: row.courierId, version },
        details: { occurredAt },
        request_id: requestId,
      },
    ]),
    JSON.stringify([
      {
        id: randomUUID(),
        destination: 'bitrix24',
        type: 'mastermobile.bitrix24.upsert_requested.v1',
        subject: `delivery:${id}`,
        data: {
          kind: 'delivery',
          externalId: id,
          fields: {
            title: `${row.documentNumber}: ${row.address}`,
            onecDocument: `${row.documentNumber} (${row.documentDate})`,
            address: row.address,
            windowFrom: row.windowFrom,
            windowTo: row.windowTo,
            contactName: row.contactName,
            contactPhone: row.contactPhone,
            amount: row.total,
            cashOnDelivery: row.cashOnDelivery,
            comment: row.comment,
            cashCollected: null,
            failureReason: null,
          },
          status,
        },
        entity_version: null,
        source: '/mastermobile/middleware/production',
        time: new Date(),
        request_id: requestId,
        traceparent,
      },
    ]),
    ...scope,
    200,
    JSON.stringify({ 'content-type': 'application/json; charset=utf-8' }),
    answer,
  ]);
  return answer;
}

/** Deliveries in `assigned`, straight into the table (documents prefixed `tag`), for a status benchmark to move. */
export async function insertAssignedDeliveries(
  pool: Pool,
  tag: string,
  count: number,
  refs: { counterpartyId: string; warehouseId: string; courierId: string },
): Promise<string[]> {
  const ids = Array.from({ length: count }, () => randomUUID());
  await pool.query(
    `INSERT INTO deliveries (id, onec_document_id, document_type, document_number, document_date, counterparty_id,
                             address, warehouse_id, courier_id, items, total, cash_on_delivery, status)
     SELECT id, $5 || '-' || id, 'sales', 'X', '2026-12-05', $2, 'Москва', $3, $4,
            '[{"lineNo":1,"productId":"p","quantity":"2.000","price":"49.90","amount":"99.80","vatRate":"22","characteristicId":null}]',
            99.80, 99.80, 'assigned'
       FROM unnest($1::uuid[]) AS id`,
    [ids, refs.counterpartyId, refs.warehouseId, refs.courierId, tag],
  );
  return ids;
}

/** PHP-style bracket keys (`auth[domain]=…`) into nested objects, as Bitrix24 sends its events. */
export function parseForm(body: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = key.split(/\]\[|\[|\]/).filter((part) => part !== '');
    let node = root;
    for (const part of path.slice(0, -1)) {
      node = (node[part] ??= {}) as Record<string, unknown>;
    }
    node[path[path.length - 1]] = value;
  }
  return root;
}

if (require.main === module) {
  const [databaseUrl, poolSize, mode] = process.argv.slice(2);
  void BareServer.start(databaseUrl, Number(poolSize), { prepared: mode === 'prepared' }).then((server) => {
    process.stdout.write(`${server.url}\n`);
    process.once('SIGTERM', () => void server.stop().then(() => process.exit(0)));
  });
}
