/**
 * `npm run smoke -- --base-url URL --token TOKEN [--courier-token T] [--openapi openapi.yaml]`: the UAT gate,
 * runnable against any deployment (docs/operations/releases.md). It checks health and readiness, that the served
 * OpenAPI document equals the committed one, the auth rules, and a synthetic round trip marked as test data: master
 * data in the smoke namespace (ids `5e0c0de0-…`, names `[smoke] …`), a delivery naming it (document `SMOKE-…`), its
 * status and cancellation, then the master data's deletion marks. Every check prints `✓ …` or `✗ … — why`; the
 * last line says PASS or FAIL and why, and the exit code is 0 or 1.
 *
 * TOKEN must carry the roles `1c` and `admin` (`npm run token -- --role 1c --role admin --sub smoke`).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { type Answer, readAnswer } from './support/http-answer';

export interface SmokeOptions {
  readonly baseUrl: string;
  readonly token: string;
  readonly courierToken?: string;
  /** The committed contract: openapi.yaml at the repository's root unless given. */
  readonly openapiFile: string;
  readonly timeoutMs?: number;
}

export interface SmokeResult {
  readonly ok: boolean;
  /** One line: why it failed, or what passed. */
  readonly summary: string;
  readonly lines: readonly string[];
}

class CheckFailed extends Error {}

/** The smoke namespace: 1C GUIDs no real 1C generates (version-4 layout, fixed prefix). */
export const SMOKE_ID_PREFIX = '5e0c0de0-';
const smokeId = () => `${SMOKE_ID_PREFIX}0000-4000-8000-${randomBytes(6).toString('hex')}`;

/** The first path at which two parsed documents differ, or undefined when they are equal (key order ignored). */
export function firstDifference(expected: unknown, actual: unknown, path = ''): string | undefined {
  if (Array.isArray(expected) || Array.isArray(actual)) {
    if (!Array.isArray(expected) || !Array.isArray(actual)) return path || '/';
    if (expected.length !== actual.length) return `${path} (length ${expected.length} vs ${actual.length})`;
    for (let i = 0; i < expected.length; i += 1) {
      const diff = firstDifference(expected[i], actual[i], `${path}/${i}`);
      if (diff) return diff;
    }
    return undefined;
  }
  if (expected && actual && typeof expected === 'object' && typeof actual === 'object') {
    const e = expected as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    for (const key of Object.keys(e)) {
      if (!(key in a)) return `${path}/${key} (committed, not served)`;
    }
    for (const key of Object.keys(a)) {
      if (!(key in e)) return `${path}/${key} (served, not committed)`;
    }
    for (const key of Object.keys(e).sort()) {
      const diff = firstDifference(e[key], a[key], `${path}/${key}`);
      if (diff) return diff;
    }
    return undefined;
  }
  return Object.is(expected, actual) ? undefined : path || '/';
}

export async function runSmoke(options: SmokeOptions, print: (line: string) => void = () => undefined) {
  const lines: string[] = [];
  const say = (line: string) => {
    lines.push(line);
    print(line);
  };
  const base = options.baseUrl.replace(/\/+$/, '');
  const runId = `smoke-${Date.now()}-${randomBytes(3).toString('hex')}`;
  let failure: string | undefined;

  const call = async (
    method: string,
    path: string,
    init: { token?: string | null; body?: unknown; idempotent?: boolean } = {},
  ): Promise<Answer> => {
    const headers: Record<string, string> = { 'x-request-id': `${runId}-${randomBytes(2).toString('hex')}` };
    const token = init.token === undefined ? options.token : init.token;
    if (token) headers.authorization = `Bearer ${token}`;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    if (init.idempotent) headers['idempotency-key'] = `${runId}-${randomUUID()}`;
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
      });
    } catch (error) {
      throw new CheckFailed(`${method} ${path} unreachable: ${(error as Error).message}`);
    }
    return readAnswer(response);
  };
  const expectStatus = (answer: Answer, expected: number[], what: string) => {
    if (!expected.includes(answer.status)) {
      const problem = answer.body as { code?: string; detail?: string; title?: string } | undefined;
      const detail =
        problem && typeof problem === 'object' ? (problem.code ?? problem.detail ?? problem.title ?? '') : '';
      throw new CheckFailed(
        `${what}: HTTP ${answer.status}${detail ? ` ${detail}` : ''}, expected ${expected.join('/')}`,
      );
    }
  };
  const check = async (name: string, run: () => Promise<string | void>): Promise<boolean> => {
    try {
      const note = await run();
      say(`✓ ${name}${note ? ` — ${note}` : ''}`);
      return true;
    } catch (error) {
      const why = error instanceof CheckFailed ? error.message : `unexpected: ${(error as Error).message}`;
      say(`✗ ${name} — ${why}`);
      failure ??= `${name}: ${why}`;
      return false;
    }
  };

  // Health first: nothing else is worth trying against a down deployment.
  const healthy =
    (await check('liveness GET /health/live', async () => {
      expectStatus(await call('GET', '/health/live', { token: null }), [200], 'GET /health/live');
    })) &&
    (await check('readiness GET /health/ready', async () => {
      expectStatus(await call('GET', '/health/ready', { token: null }), [200], 'GET /health/ready');
    }));

  if (healthy) {
    await check('the served OpenAPI equals the committed contract', async () => {
      const committed = parse(readFileSync(options.openapiFile, 'utf8')) as unknown;
      const served = await call('GET', '/docs-json', { token: null });
      expectStatus(served, [200], 'GET /docs-json');
      const diff = firstDifference(committed, served.body);
      if (diff) throw new CheckFailed(`contract drift at ${diff} (committed ${options.openapiFile})`);
    });

    const authorized =
      (await check('auth: no token → 401', async () => {
        expectStatus(await call('GET', '/api/v1/deliveries?limit=1', { token: null }), [401], 'no token');
      })) &&
      (await check('auth: the token is accepted (roles 1c and admin)', async () => {
        expectStatus(await call('GET', '/api/v1/deliveries?limit=1'), [200], 'GET /api/v1/deliveries as the token');
        expectStatus(
          await call('GET', '/api/v1/admin/reports/deliveries'),
          [200, 400],
          'an admin route with the token (it needs the admin role)',
        );
      }));
    if (options.courierToken) {
      await check('auth: a courier token on an admin route → 403', async () => {
        expectStatus(
          await call('GET', '/api/v1/admin/reports/deliveries', { token: options.courierToken }),
          [403],
          'courier token on GET /api/v1/admin/reports/deliveries',
        );
      });
    }

    if (authorized) await roundTrip(call, expectStatus, check, runId);
  }

  const ok = failure === undefined;
  const summary = ok ? `PASS ${lines.length} checks against ${base}` : `FAIL ${failure}`;
  say(summary);
  return { ok, summary, lines } satisfies SmokeResult;
}

type Call = (
  method: string,
  path: string,
  init?: { token?: string | null; body?: unknown; idempotent?: boolean },
) => Promise<Answer>;

/** Master data and a delivery in the smoke namespace, then their cancellation and deletion marks. */
async function roundTrip(
  call: Call,
  expectStatus: (answer: Answer, expected: number[], what: string) => void,
  check: (name: string, run: () => Promise<string | void>) => Promise<boolean>,
  runId: string,
): Promise<void> {
  const version = Date.now();
  const unit = smokeId();
  const warehouse = smokeId();
  const product = smokeId();
  const counterparty = smokeId();
  const created: [string, string][] = [];
  const masterData: [string, Record<string, unknown>][] = [
    ['units', { id: unit, version, code: '796', name: '[smoke] шт' }],
    ['warehouses', { id: warehouse, version, name: `[smoke] ${runId}` }],
    ['products', { id: product, version, name: `[smoke] ${runId}`, unitId: unit, vatRate: '22' }],
    ['counterparties', { id: counterparty, version, type: 'organization', name: `[smoke] ${runId}` }],
  ];
  let deliveryId: string | undefined;
  try {
    const seeded = await check(
      'round trip: master data in the smoke namespace (PUT /api/v1/master-data/{kind})',
      async () => {
        for (const [kind, item] of masterData) {
          const answer = await call('PUT', `/api/v1/master-data/${kind}`, {
            body: { items: [item] },
            idempotent: true,
          });
          expectStatus(answer, [200], `PUT /api/v1/master-data/${kind}`);
          const results = (answer.body as { results?: { status?: string }[] }).results ?? [];
          if (results[0]?.status === 'created' || results[0]?.status === 'updated')
            created.push([kind, String(item.id)]);
          if (results[0]?.status !== 'created') {
            throw new CheckFailed(
              `${kind} ${String(item.id)}: ${JSON.stringify(results[0] ?? answer.body).slice(0, 200)}`,
            );
          }
        }
        return `${created.length} records ${SMOKE_ID_PREFIX}…`;
      },
    );
    if (!seeded) return;
    const posted = await check('round trip: a delivery naming it (POST /api/v1/deliveries)', async () => {
      const answer = await call('POST', '/api/v1/deliveries', {
        idempotent: true,
        body: {
          document: {
            type: 'sales',
            number: `SMOKE-${version}`,
            date: new Date().toISOString().slice(0, 10),
            onecId: smokeId(),
          },
          counterpartyId: counterparty,
          address: '[smoke] test data, not a real address',
          comment: `smoke test data ${runId}`,
          warehouseId: warehouse,
          items: [{ lineNo: 1, productId: product, quantity: '1', price: '1.00', vatRate: '22', amount: '1.00' }],
          totals: { total: '1.00', cashOnDelivery: '0.00' },
        },
      });
      expectStatus(answer, [201], 'POST /api/v1/deliveries');
      const body = answer.body as { id?: string; status?: string };
      deliveryId = body.id;
      return `${body.id} ${body.status}`;
    });
    if (!posted || !deliveryId) return;
    await check('round trip: its status reads back (GET /api/v1/deliveries/{id})', async () => {
      const answer = await call('GET', `/api/v1/deliveries/${deliveryId}`);
      expectStatus(answer, [200], 'GET /api/v1/deliveries/{id}');
      return (answer.body as { status?: string }).status;
    });
    await check('round trip: cancelled and confirmed (POST /api/v1/deliveries/{id}/cancel)', async () => {
      const answer = await call('POST', `/api/v1/deliveries/${deliveryId}/cancel`, { idempotent: true });
      expectStatus(answer, [200], 'POST /api/v1/deliveries/{id}/cancel');
      const read = await call('GET', `/api/v1/deliveries/${deliveryId}`);
      const status = (read.body as { status?: string }).status;
      if (status !== 'cancelled') throw new CheckFailed(`status after cancel is ${status}, expected cancelled`);
      deliveryId = undefined;
      return status;
    });
  } finally {
    // Clean up even after a failure: the delivery is cancelled (deliveries are never deleted) and every record gets
    // 1C's deletion mark, hidden from default reads and deactivated in Bitrix24.
    if (deliveryId)
      await call('POST', `/api/v1/deliveries/${deliveryId}/cancel`, { idempotent: true }).catch(() => undefined);
    if (created.length > 0) {
      await check(
        'clean-up: deletion marks on the smoke master data (DELETE /api/v1/master-data/{kind}/{id})',
        async () => {
          for (const [kind, id] of created.reverse()) {
            expectStatus(await call('DELETE', `/api/v1/master-data/${kind}/${id}`), [200], `DELETE ${kind}/${id}`);
          }
        },
      );
    }
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      'base-url': { type: 'string' },
      token: { type: 'string' },
      'courier-token': { type: 'string' },
      openapi: { type: 'string' },
    },
  });
  if (!values['base-url'] || !values.token) {
    process.stdout.write(
      'FAIL usage: npm run smoke -- --base-url URL --token TOKEN [--courier-token T] [--openapi FILE]\n',
    );
    return 1;
  }
  const result = await runSmoke(
    {
      baseUrl: values['base-url'],
      token: values.token,
      courierToken: values['courier-token'],
      openapiFile: resolve(values.openapi ?? join(__dirname, '..', '..', 'openapi.yaml')),
    },
    (line) => process.stdout.write(`${line}\n`),
  );
  return result.ok ? 0 : 1;
}

if (require.main === module) {
  main().then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stdout.write(`FAIL ${(error as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
