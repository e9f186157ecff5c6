/**
 * The baselines of the HTTP benchmarks: the same transactions as our endpoints', hand-written on node:http and pg.
 * What the framework, validation and our layers cost is the difference. `node dist/bench/support/bare-server.js
 * <database-url> <pool-size>` runs one in a process of its own (as the API runs in its own) and prints its port.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool, type PoolClient } from 'pg';

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

/** The statement EventPublisher writes the outbox with (libs/events/src/outbox/event-publisher.ts). */
const OUTBOX_INSERT = `INSERT INTO outbox_events
                 (id, destination, type, subject, data, entity_version, source, time, request_id, traceparent)
          SELECT id, destination, type, subject, data, entity_version, source, time, request_id, traceparent
            FROM ROWS FROM (jsonb_to_recordset($1::jsonb)
                   AS (id uuid, destination text, type text, subject text, data jsonb, entity_version bigint,
                       source text, time timestamptz, request_id text, traceparent text))
                 WITH ORDINALITY AS x(id, destination, type, subject, data, entity_version, source, time, request_id,
                                      traceparent, n)
           ORDER BY n`;

export class BareServer {
  private constructor(
    private readonly pool: Pool,
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(databaseUrl: string, poolSize: number, port = 0): Promise<BareServer> {
    const pool = new Pool({ connectionString: databaseUrl, max: poolSize });
    let instance: BareServer | undefined = undefined;
    const server = createServer((request, response) => {
      void instance!.handle(request).then(
        ([status, body]) => response.writeHead(status, { 'content-type': 'application/json' }).end(body),
        (error: Error) => response.writeHead(500).end(error.message),
      );
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    instance = new BareServer(pool, server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
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
      const { status } = JSON.parse(body) as { status: string };
      return [200, await this.transaction((client) => statusChange(client, path[2], status, request))];
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
        await client.query(OUTBOX_INSERT, [
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

  private async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
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

/**
 * The status door's transaction, statement for statement as the API runs it: the idempotency key claimed (under the
 * key's advisory lock), the delivery locked and read, changed, then one statement for the rows nobody reads back in
 * the transaction (audit row, outbox row, the key's stored answer).
 */
async function statusChange(client: PoolClient, id: string, status: string, request: IncomingMessage) {
  const key = String(request.headers['idempotency-key']);
  const claimed = await client.query(
    `INSERT INTO idempotency_keys AS k (principal, method, route, key, fingerprint, response_status, response_headers,
                                        response_body, created_at, expires_at)
     SELECT 'baseline', 'POST', '/deliveries/:id/status', $1, repeat('0', 64), 0, '{}', '', now(),
            now() + interval '1 day'
      WHERE pg_try_advisory_xact_lock(hashtext($1)::bigint)
         ON CONFLICT (principal, method, route, key) DO UPDATE SET response_status = 0
      WHERE k.expires_at <= now()
     RETURNING 1`,
    [key],
  );
  if (claimed.rowCount !== 1) {
    throw new Error(`idempotency key ${key} is taken`);
  }
  const { rows } = await client.query<{ status: string; version: number }>(
    'SELECT status, version FROM deliveries WHERE id = $1 FOR UPDATE',
    [id],
  );
  const answer = JSON.stringify({ id, status, version: rows[0].version + 1 });
  // As the API writes it: the changed columns only, over the version it read.
  await client.query(
    'UPDATE deliveries SET status = $3, version = $4, updated_at = $5 WHERE id = $1 AND version = $2',
    [id, rows[0].version, status, rows[0].version + 1, new Date()],
  );
  await client.query(
    `WITH a0 AS (INSERT INTO audit_trail (domain, entity_type, entity_id, action, source, actor, actor_role, before,
                                          after, details)
                 VALUES ('deliveries', 'delivery', $1, 'status_changed', 'courier-rest', 'baseline', 'courier', $2,
                         $3, '{}')),
          a1 AS (INSERT INTO outbox_events (id, destination, type, subject, source, time, data)
                 VALUES ($4, 'bench.baseline', 'mastermobile.bench.baseline.v1', $5, 'bench', now(), $6))
     UPDATE idempotency_keys SET response_status = 200, response_body = $6
      WHERE principal = 'baseline' AND method = 'POST' AND route = '/deliveries/:id/status' AND key = $7`,
    [
      id,
      JSON.stringify({ status: rows[0].status }),
      JSON.stringify({ status }),
      randomUUID(),
      `delivery:${id}`,
      answer,
      key,
    ],
  );
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
  const [databaseUrl, poolSize] = process.argv.slice(2);
  void BareServer.start(databaseUrl, Number(poolSize)).then((server) => {
    process.stdout.write(`${server.url}\n`);
    process.once('SIGTERM', () => void server.stop().then(() => process.exit(0)));
  });
}
