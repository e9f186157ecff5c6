import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Role } from '@app/core';
import { tokenFor } from '@app/testing';
import fc from 'fast-check';
import { stringify } from 'qs';
import {
  ACME,
  COURIER_A,
  COURIER_B,
  GONE,
  JUICE,
  seedMasterData,
  shipment,
  STORE,
  UNIT,
  VAN_A,
  WATER,
} from '../deliveries/deliveries-fixtures';
import { type MasterDataHarness, startMasterDataHarness } from '../master-data/master-data-harness';
import { sharedFixturesDir } from '../../libs/connectors/onec/test-fixtures/fixture-paths';
import { Contract, type Operation, type Parameter } from './support/contract';
import { fuzzSettings, propertyParameters, selected } from './support/fuzz-settings';
import { hostileString, SchemaValues, spoilt } from './support/schema-values';

const settings = fuzzSettings(4);
const contract = new Contract();
const operations = contract.operations().filter((operation) => selected(settings, operation.operationId));
const ROLES: readonly Role[] = ['admin', '1c', 'courier'];
/** The 1C ids of the seeded master data: what id-like fields draw from, so that requests reach past lookups. */
const SEEDED_IDS = [WATER, ACME, STORE, COURIER_A, JUICE, VAN_A, UNIT, COURIER_B, GONE];
const values = new SchemaValues(contract, { ids: SEEDED_IDS });
/** A uuid no row has, for requests that must not touch a seeded row. */
const NOBODY = '00000000-0000-4000-8000-00000000f022';
const WEBHOOK_TOKEN = 'fuzz-webhook-token';
/**
 * Real bodies where the contract's schema says too little: Bitrix24's own events (shared fixtures), signed with the
 * configured token and without the documentation portal's domain, so that they are accepted and the data in them
 * reaches the inbox.
 */
const VALID_BODIES: Readonly<Record<string, readonly unknown[]>> = {
  Bitrix24Webhook_receive: readdirSync(join(sharedFixturesDir, 'bitrix24', 'events'))
    .filter((file) => file.endsWith('.parsed.json'))
    .sort()
    .map((file) => {
      const event = JSON.parse(readFileSync(join(sharedFixturesDir, 'bitrix24', 'events', file), 'utf8')) as {
        auth: Record<string, string>;
      };
      const { domain: _domain, ...auth } = event.auth;
      return { ...event, auth: { ...auth, application_token: WEBHOOK_TOKEN } };
    }),
};
/** Tables a request may change even when refused: the idempotency store and the logs of the calls themselves. */
const EXEMPT_TABLES = ['idempotency_keys', 'integration_log', 'schema_migrations'];
/** Row ids a path parameter draws from, by the table behind the path. */
const ID_TABLES: Record<string, string> = {
  '/api/v1/deliveries/{id}': 'deliveries',
  '/api/v1/delivery-trips/{id}': 'delivery_trips',
  '/api/v1/cash-documents/{id}': 'cash_documents',
  '/api/v1/instant-orders/{id}': 'instant_orders',
  '/api/v1/returns/{id}': 'returns',
  '/api/v1/admin/collisions/{id}': 'collisions',
  '/api/v1/admin/deviations/{id}': 'sla_deviations',
  '/api/v1/admin/dead-letters/{id}': 'dead_letters',
  '/api/v1/admin/reconcile/runs/{id}': 'md_reconcile_runs',
};

type Auth = { kind: 'role'; role: Role } | { kind: 'none' } | { kind: 'raw'; header: string };

interface FuzzRequest {
  readonly auth: Auth;
  /** Already percent-encoded (or deliberately not). */
  readonly pathParams: Readonly<Record<string, string>>;
  readonly query: readonly (readonly [string, string])[];
  readonly idempotencyKey?: string;
  readonly contentType?: string;
  readonly body?: string;
}

interface Answer {
  readonly status: number;
  readonly type: string;
  readonly text: string;
}

/** Who may call an operation, found by asking: a refusal by role is a 403, by authentication a 401. */
interface Access {
  readonly anonymous: boolean;
  readonly roles: readonly Role[];
}

/** Signs of internals leaking: stack frames, file paths, driver and runtime error names. */
const LEAK =
  /\n\s+at \S|node:internal|node_modules|\/work\/|\.(?:ts|js):\d+:\d+|QueryFailedError|TypeError|ReferenceError/;

const b64 = (text: string) => Buffer.from(text).toString('base64url');
const cursors = fc.oneof(
  hostileString,
  fc.jsonValue({ maxDepth: 2 }).map((value) => b64(JSON.stringify({ v: 1, id: value }))),
  fc.tuple(hostileString, hostileString).map(([tx, position]) => b64(`v1:${tx}:${position}`)),
  fc.constantFrom(b64('{"v":1,"id":'), b64(JSON.stringify({ v: 2, id: '1' })), 'A'.repeat(600), '%%%'),
);

/** Whole bodies no route should take, and content types it does not speak. */
const HOSTILE_BODIES: readonly (readonly [string | undefined, string])[] = [
  ['application/json', ''],
  ['application/json', '{"a":'],
  ['application/json', 'not json'],
  ['application/json', '[]'],
  ['application/json', 'null'],
  ['application/json', '"text"'],
  ['application/json', '\ufeff{}'],
  ['application/json', '{"a":1,"a":2}'],
  ['application/json', '{"__proto__":{"polluted":true}}'],
  ['application/json', '{"constructor":{"prototype":{"polluted":true}}}'],
  ['application/json', `${'{"a":'.repeat(100)}1${'}'.repeat(100)}`],
  ['application/json', `${'['.repeat(5_000)}${']'.repeat(5_000)}`],
  ['application/json', JSON.stringify({ items: Array.from({ length: 20_000 }, () => 0) })],
  ['application/json; charset=utf-16', '{}'],
  ['text/plain', '{}'],
  ['application/xml', '<a/>'],
  ['application/x-www-form-urlencoded', `${'a[a]'.repeat(40)}=1`],
  ['multipart/form-data; boundary=x', '--x--'],
  [undefined, '{}'],
];

/** Path segments: each edge once in the sweep, and among the generated ones. */
const PATH_EDGES = [
  'abc',
  '9223372036854775808',
  '%00',
  '9'.repeat(200),
  '-1',
  '0',
  '1.5',
  '%E0%A4%A',
  '..',
  '%2e%2e%2f',
];

/** Query values tried on every query parameter in the sweep. */
const QUERY_EDGES = ['', ' ', 'a\u0000', '\u202e☃', 'x'.repeat(4_000), "1' OR '1'='1", '-1', '1e309', '2024-02-30'];

describe('fuzzing every operation of the contract (openapi.yaml)', () => {
  let harness: MasterDataHarness;
  let url: string;
  let tokens: Record<Role, string>;
  let fingerprintSql: string;
  const access = new Map<string, Access>();
  const ids = new Map<string, string[]>();

  beforeAll(async () => {
    harness = await startMasterDataHarness({ worker: false, env: { BITRIX24_APPLICATION_TOKEN: WEBHOOK_TOKEN } });
    await seedMasterData(harness);
    url = harness.middleware.api.url;
    const { config } = harness.middleware;
    tokens = {
      admin: tokenFor(config, 'admin'),
      '1c': tokenFor(config, '1c'),
      courier: tokenFor(config, 'courier', { courierId: COURIER_A }),
    };
    // Something behind the ids of the paths that read a row.
    const created = await harness.call('POST', '/api/v1/deliveries', {
      role: '1c',
      body: shipment(1),
      idempotencyKey: 'fuzz-seed-delivery',
    });
    expect(created.status).toBe(201);

    const tables = await harness.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
          AND c.relname <> ALL($1) ORDER BY 1`,
      [EXEMPT_TABLES],
    );
    // Per table: row count and an order-free sum of row hashes, cheaper than sorting every table per request.
    fingerprintSql = `SELECT json_build_object(${tables
      .map(
        ({ name }) =>
          `'${name}', (SELECT count(*) || ':' || coalesce(sum(hashtextextended(t::text, 0)), 0) FROM "${name}" t)`,
      )
      .join(', ')}) AS digest`;

    for (const [path, table] of Object.entries(ID_TABLES)) {
      const rows = await harness.query<{ id: string }>(`SELECT id::text AS id FROM ${table} LIMIT 5`);
      ids.set(
        path,
        rows.map((row) => row.id),
      );
    }
    for (const operation of operations) {
      access.set(operation.operationId, await probeAccess(operation));
    }
  });

  afterAll(async () => {
    await harness?.close();
  });

  /**
   * The digest of every table's rows (count and content) that a refused request must leave alone, recomputed only
   * when a transaction id was handed out since the last one: PostgreSQL assigns one to every transaction that
   * writes, committed or not, and reading the next one to be assigned assigns none.
   */
  let known: { nextXid: string; digest: string } | undefined;
  const fingerprint = async (): Promise<string> => {
    const [{ next }] = await harness.query<{ next: string }>(
      'SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS next',
    );
    if (known?.nextXid !== next) {
      const [{ digest }] = await harness.query<{ digest: Record<string, string> }>(fingerprintSql);
      known = { nextXid: next, digest: JSON.stringify(digest) };
    }
    return known.digest;
  };

  const pathOf = (operation: Operation, params: Readonly<Record<string, string>>) =>
    operation.path.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? NOBODY);

  const send = async (operation: Operation, request: FuzzRequest): Promise<Answer> => {
    const headers: Record<string, string> = {};
    if (request.auth.kind === 'role') {
      headers.authorization = `Bearer ${tokens[request.auth.role]}`;
    } else if (request.auth.kind === 'raw') {
      headers.authorization = request.auth.header;
    }
    if (request.idempotencyKey !== undefined) {
      headers['idempotency-key'] = request.idempotencyKey;
    }
    if (request.contentType !== undefined) {
      headers['content-type'] = request.contentType;
    }
    const query = request.query.map(([name, value]) => `${encodeLoosely(name)}=${encodeLoosely(value)}`);
    const response = await fetch(
      `${url}${pathOf(operation, request.pathParams)}${query.length ? `?${query.join('&')}` : ''}`,
      {
        method: operation.method,
        headers,
        body: operation.method === 'GET' ? undefined : request.body,
      },
    );
    return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
  };

  async function probeAccess(operation: Operation): Promise<Access> {
    const probe = (auth: Auth) =>
      send(operation, { auth, pathParams: {}, query: [], contentType: 'application/json', body: '{}' });
    const anonymous = (await probe({ kind: 'none' })).status !== 401;
    const roles: Role[] = [];
    for (const role of ROLES) {
      if ((await probe({ kind: 'role', role })).status !== 403) {
        roles.push(role);
      }
    }
    return { anonymous, roles };
  }

  /** What must hold for any request: no 5xx, no internals, problem+json refusals that changed nothing. */
  const violations = (operation: Operation, answer: Answer, changed: readonly string[]): string[] => {
    const found: string[] = [];
    if (answer.status >= 500 && !(answer.status === 503 && operation.statuses.includes(503))) {
      found.push(`answered ${answer.status}`);
    }
    if (LEAK.test(answer.text)) {
      found.push('the body shows internals');
    }
    const speaksProblems = operation.statuses.some((status) => status >= 400);
    if (answer.status >= 400 && speaksProblems) {
      if (!/^application\/problem\+json/.test(answer.type)) {
        found.push(`a ${answer.status} of type ${answer.type || 'none'}`);
      } else if ((JSON.parse(answer.text) as { status?: number }).status !== answer.status) {
        found.push(`a problem whose status is not ${answer.status}`);
      }
    }
    if (answer.status >= 400 && changed.length) {
      found.push(`refused with ${answer.status} but changed ${changed.join(', ')}`);
    }
    return found;
  };

  const describeRequest = (operation: Operation, request: FuzzRequest, answer: Answer) =>
    `${operation.method} ${pathOf(operation, request.pathParams)} query=${JSON.stringify(request.query).slice(0, 300)} ` +
    `auth=${request.auth.kind === 'role' ? request.auth.role : request.auth.kind} ` +
    `type=${request.contentType} body=${(request.body ?? '').slice(0, 300)} → ${answer.status} ${answer.text.slice(0, 300)}`;

  /** Sends the request and checks it, against the database's state before it. */
  async function check(
    operation: Operation,
    request: FuzzRequest,
    before: string,
  ): Promise<{ problems: string[]; after: string }> {
    const answer = await send(operation, request);
    const after = await fingerprint();
    const changed = tablesChanged(before, after);
    const problems = violations(operation, answer, changed);
    return { problems: problems.map((problem) => `${problem}: ${describeRequest(operation, request, answer)}`), after };
  }

  /** A request an allowed caller would make with the contract's base values: the sweep's starting point. */
  function baseRequest(operation: Operation, role: Role): FuzzRequest {
    const body = operation.body?.get('application/json') ?? operation.body?.values().next().value;
    return {
      auth: { kind: 'role', role },
      pathParams: Object.fromEntries(
        operation.parameters
          .filter((parameter) => parameter.in === 'path')
          .map((parameter) => [
            parameter.name,
            ids.get(operation.path)?.[0] ?? encodeLoosely(String(values.base(parameter.schema, parameter.name))),
          ]),
      ),
      query: operation.parameters
        .filter((parameter) => parameter.in === 'query' && parameter.required)
        .map((parameter) => [parameter.name, String(values.base(parameter.schema, parameter.name))] as const),
      contentType: body ? [...operation.body!.keys()][0] : undefined,
      body: body ? JSON.stringify(VALID_BODIES[operation.operationId]?.[0] ?? values.base(body)) : undefined,
    };
  }

  const needsKey = (operation: Operation) =>
    operation.parameters.some((parameter) => parameter.in === 'header' && parameter.name === 'Idempotency-Key');

  /** The deterministic sweep: each boundary of each parameter and body node, one at a time, from the base request. */
  function sweep(operation: Operation, allowed: Access): { label: string; request: FuzzRequest }[] {
    const role = allowed.roles[0] ?? 'admin';
    const base = baseRequest(operation, role);
    let keys = 0;
    const withKey = (request: FuzzRequest): FuzzRequest =>
      needsKey(operation) ? { ...request, idempotencyKey: `sweep-${operation.operationId}-${(keys += 1)}` } : request;
    const cases: { label: string; request: FuzzRequest }[] = [];
    const add = (label: string, request: FuzzRequest) => cases.push({ label, request: withKey(request) });

    if (!allowed.anonymous) {
      add('no token', { ...base, auth: { kind: 'none' } });
      add('a token that is not a JWT', { ...base, auth: { kind: 'raw', header: 'Bearer not.a.jwt' } });
      add('basic credentials', { ...base, auth: { kind: 'raw', header: 'Basic Zm9vOmJhcg==' } });
    }
    for (const other of ROLES.filter((candidate) => !allowed.roles.includes(candidate))) {
      add(`the ${other} role`, { ...base, auth: { kind: 'role', role: other } });
    }
    if (needsKey(operation)) {
      cases.push({ label: 'no Idempotency-Key', request: base });
      for (const key of ['', ' ', 'k'.repeat(256), 'clé']) {
        cases.push({ label: `Idempotency-Key "${key.slice(0, 10)}"`, request: { ...base, idempotencyKey: key } });
      }
    }
    for (const parameter of operation.parameters.filter((candidate) => candidate.in === 'path')) {
      for (const edge of settings.fullSweep ? PATH_EDGES : PATH_EDGES.slice(0, 4)) {
        add(`${parameter.name} = ${edge.slice(0, 20)}`, {
          ...base,
          pathParams: { ...base.pathParams, [parameter.name]: edge },
        });
      }
    }
    const query = operation.parameters.filter((parameter) => parameter.in === 'query');
    for (const parameter of query) {
      const others = base.query.filter(([name]) => name !== parameter.name);
      if (parameter.required) {
        add(`${parameter.name} absent`, { ...base, query: others });
      }
      for (const edge of settings.fullSweep ? QUERY_EDGES : QUERY_EDGES.slice(2, 5)) {
        add(`${parameter.name} = ${JSON.stringify(edge.slice(0, 20))}`, {
          ...base,
          query: [...others, [parameter.name, edge]],
        });
      }
      add(`${parameter.name} twice`, { ...base, query: [...others, [parameter.name, 'a'], [parameter.name, 'b']] });
      add(`${parameter.name}[] as a PHP array`, { ...base, query: [...others, [`${parameter.name}[]`, 'a']] });
    }
    add('an unknown query parameter', { ...base, query: [...base.query, ['system[]', 'x']] });
    const body = operation.body?.get('application/json');
    if (body) {
      for (const { label, value } of values.sweep(body, VALID_BODIES[operation.operationId]?.[0], settings.fullSweep)) {
        add(label, {
          ...base,
          contentType: 'application/json',
          body: value === undefined ? '' : JSON.stringify(value),
        });
      }
    }
    if (operation.method !== 'GET') {
      for (const [contentType, text] of settings.fullSweep ? HOSTILE_BODIES : HOSTILE_BODIES.slice(0, 5)) {
        add(`a body of ${contentType}: ${(text ?? '').slice(0, 20)}`, { ...base, contentType, body: text });
      }
    }
    return cases;
  }

  /** Generated requests: mostly from allowed callers with valid or one-place-spoilt input, some from anyone. */
  function requests(operation: Operation, allowed: Access): fc.Arbitrary<FuzzRequest> {
    const roles = allowed.roles.length ? allowed.roles : (['admin'] as const);
    const others = ROLES.filter((role) => !roles.includes(role));
    const auth: fc.Arbitrary<Auth> = fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...roles).map((role): Auth => ({ kind: 'role', role })) },
      { weight: 1, arbitrary: fc.constant<Auth>({ kind: 'none' }) },
      {
        weight: 1,
        arbitrary: others.length
          ? fc.constantFrom(...others).map((role): Auth => ({ kind: 'role', role }))
          : fc.constant<Auth>({ kind: 'raw', header: 'Bearer e30.e30.' }),
      },
    );
    const pathParam = (parameter: Parameter) =>
      fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...(ids.get(operation.path) ?? []), NOBODY) },
        {
          weight: 2,
          arbitrary: values.valid(parameter.schema, parameter.name).map((value) => encodeLoosely(String(value))),
        },
        { weight: 1, arbitrary: hostileString.map((value) => encodeLoosely(value.slice(0, 300))) },
        { weight: 1, arbitrary: fc.constantFrom(...PATH_EDGES) },
      );
    const queryValue = (parameter: Parameter): fc.Arbitrary<string> =>
      fc.oneof(
        { weight: 3, arbitrary: values.valid(parameter.schema, parameter.name).map(String) },
        {
          weight: 2,
          arbitrary: parameter.name === 'cursor' ? cursors : hostileString.map((value) => value.slice(0, 3_000)),
        },
      );
    const query = operation.parameters.filter((parameter) => parameter.in === 'query');
    const queryEntries = fc
      .tuple(
        ...query.map((parameter) =>
          parameter.required
            ? fc
                .option(queryValue(parameter), { freq: 10, nil: undefined })
                .map((value) => [parameter.name, value] as const)
            : fc
                .option(queryValue(parameter), { freq: 2, nil: undefined })
                .map((value) => [parameter.name, value] as const),
        ),
        fc.option(fc.tuple(fc.constantFrom('unknown', 'limit', 'cursor', 'a[b]', '__proto__'), hostileString), {
          freq: 4,
          nil: undefined,
        }),
      )
      .map((entries) =>
        entries.flatMap((entry) =>
          entry === undefined || entry[1] === undefined ? [] : [[entry[0], entry[1].slice(0, 3_000)] as const],
        ),
      );
    const bodySchema = operation.body?.get('application/json');
    const formOnly = operation.body && !bodySchema ? [...operation.body.values()][0] : undefined;
    const schema = bodySchema ?? formOnly;
    const known = VALID_BODIES[operation.operationId];
    const near = values.nearBase(schema, known?.[0] ?? values.base(schema));
    const valid = known
      ? fc.oneof(fc.constantFrom(...known), near, values.valid(schema))
      : fc.oneof({ weight: 2, arbitrary: near }, { weight: 1, arbitrary: values.valid(schema) });
    const body: fc.Arbitrary<{ contentType?: string; body?: string }> = schema
      ? fc.oneof(
          { weight: 3, arbitrary: valid.map((value) => encoded(operation, value)) },
          { weight: 5, arbitrary: spoilt(valid).map((value) => encoded(operation, value)) },
          {
            weight: 1,
            arbitrary: fc.constantFrom(...HOSTILE_BODIES).map(([contentType, text]) => ({ contentType, body: text })),
          },
        )
      : fc.oneof(
          { weight: 4, arbitrary: fc.constant({}) },
          {
            weight: 1,
            arbitrary: fc.constantFrom(...HOSTILE_BODIES).map(([contentType, text]) => ({ contentType, body: text })),
          },
        );
    const key = needsKey(operation)
      ? fc.oneof(
          { weight: 9, arbitrary: fc.uuid() },
          {
            weight: 1,
            arbitrary: fc.option(hostileString.map(headerSafe), { nil: undefined }),
          },
        )
      : fc.constant(undefined);
    const pathParameters = operation.parameters.filter((parameter) => parameter.in === 'path');
    return fc
      .record({
        auth,
        pathParams: fc.record(
          Object.fromEntries(pathParameters.map((parameter) => [parameter.name, pathParam(parameter)])),
        ),
        query: queryEntries,
        idempotencyKey: key,
        body,
      })
      .map(({ body: content, ...rest }) => ({ ...rest, ...content }));
  }

  it('has operations to fuzz', () => {
    expect(operations.length).toBeGreaterThan(0);
  });

  describe.each(operations.map((operation) => [operation.operationId, operation] as const))('%s', (_, operation) => {
    it('survives the boundary sweep: no 5xx, no internals, problem+json refusals that change nothing', async () => {
      const allowed = access.get(operation.operationId)!;
      const failures: string[] = [];
      let state = await fingerprint();
      for (const { label, request } of sweep(operation, allowed)) {
        const { problems, after } = await check(operation, request, state);
        failures.push(...problems.map((problem) => `${label}: ${problem}`));
        state = after;
      }
      expect(failures).toEqual([]);
    });

    it('survives generated valid, boundary and hostile requests', async () => {
      const allowed = access.get(operation.operationId)!;
      let state = await fingerprint();
      await fc.assert(
        fc.asyncProperty(requests(operation, allowed), async (request) => {
          const { problems, after } = await check(operation, request, state);
          state = after;
          if (problems.length) {
            throw new Error(problems.join('\n'));
          }
        }),
        propertyParameters(settings),
      );
    });
  });
});

/**
 * Percent-encoding that also takes lone surrogates, which encodeURIComponent refuses: each becomes the three bytes
 * UTF-8 would give it, a sequence no decoder accepts, which is the hostile input wanted.
 */
function encodeLoosely(text: string): string {
  return text.replace(/[\s\S]/gu, (char) =>
    char.length === 1 && char.charCodeAt(0) >= 0xd800 && char.charCodeAt(0) <= 0xdfff
      ? [
          0xe0 | (char.charCodeAt(0) >> 12),
          0x80 | ((char.charCodeAt(0) >> 6) & 0x3f),
          0x80 | (char.charCodeAt(0) & 0x3f),
        ]
          .map((byte) => `%${byte.toString(16).toUpperCase()}`)
          .join('')
      : encodeURIComponent(char),
  );
}

/** The tables whose digest differs between two fingerprints. */
function tablesChanged(before: string, after: string): string[] {
  if (before === after) {
    return [];
  }
  const [was, is] = [before, after].map((digest) => JSON.parse(digest) as Record<string, string>);
  return Object.keys(is).filter((table) => was[table] !== is[table]);
}

/** What fetch lets through as a header value (Latin-1 without controls): the rest never reaches a server. */
function headerSafe(text: string): string {
  return text.slice(0, 300).replace(/[^\x20-\x7e\xa0-\xff]/g, '?');
}

/** A body value as the operation's content type carries it: JSON, or a PHP-style form for form-only routes. */
function encoded(operation: Operation, value: unknown): { contentType: string; body: string } {
  if (operation.body?.has('application/json')) {
    return { contentType: 'application/json', body: value === undefined ? '' : JSON.stringify(value) };
  }
  return { contentType: 'application/x-www-form-urlencoded', body: stringify(value) };
}
