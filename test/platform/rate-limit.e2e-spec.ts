import {
  type ApiProcess,
  createTestEnvironment,
  RedisServerProcess,
  signTestToken,
  startApiProcess,
  TestEnvironment,
  waitFor,
} from '@app/testing';
import { ApiHarness, bearer, startApiHarness } from '../support/api-harness';

const BUDGET = 3;
/**
 * Far longer than any test, even on a loaded machine (a window starts with a subject's first request), so no budget
 * refills mid-test and every count below is exact.
 */
const WINDOW_SECONDS = 600;
const LIMITS = {
  RATE_LIMIT_WINDOW_SECONDS: String(WINDOW_SECONDS),
  RATE_LIMIT_READS: String(BUDGET),
  RATE_LIMIT_WRITES: String(BUDGET),
  RATE_LIMIT_CONSOLE: String(BUDGET),
};
const APPLICATION_TOKEN = 'rate-limit-application-token';
const PROBE = '/test/admin-only';
/** A read route of the API as built: the processes started from dist/ have no probe routes. */
const SHIPPED_READ = '/api/v1/admin/integration-log';

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
}

async function call(url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, init);
  return { status: response.status, headers: response.headers, body: await response.text() };
}

async function calls(count: number, url: string, init: RequestInit = {}): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let i = 0; i < count; i += 1) {
    answers.push(await call(url, init));
  }
  return answers;
}

function limitHeaders(answer: Answer) {
  return {
    limit: answer.headers.get('ratelimit-limit'),
    remaining: answer.headers.get('ratelimit-remaining'),
    policy: answer.headers.get('ratelimit-policy'),
  };
}

let deals = 0;

/** A verified event (configured token) about a deal of its own, so that none is a duplicate of another. */
function authenticEvent(): string {
  deals += 1;
  return (
    `event=ONCRMDEALUPDATE&data%5BFIELDS%5D%5BID%5D=${deals}&ts=1723538517` +
    `&auth%5Bapplication_token%5D=${APPLICATION_TOKEN}&auth%5Bmember_id%5D=m1&auth%5Bdomain%5D=portal.example`
  );
}

describe('Per-subject rate limits', () => {
  let harness: ApiHarness;
  const token = (subject: string) => bearer(signTestToken(harness.config, { sub: subject, roles: ['admin'] }));

  beforeAll(async () => {
    harness = await startApiHarness({
      ...LIMITS,
      BITRIX24_APPLICATION_TOKEN: APPLICATION_TOKEN,
      TRUST_PROXY: '127.0.0.1',
    });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('counts down on successful answers, then answers 429 problem+json with Retry-After and RateLimit-*', async () => {
    const answers = await calls(BUDGET + 1, `${harness.url}${PROBE}`, { headers: token('alice') });

    expect(answers.slice(0, BUDGET).map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect(answers.slice(0, BUDGET).map(limitHeaders)).toEqual(
      ['2', '1', '0'].map((remaining) => ({ limit: '3', remaining, policy: `3;w=${WINDOW_SECONDS}` })),
    );
    const refused = answers[BUDGET];
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(JSON.parse(refused.body)).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(limitHeaders(refused)).toEqual({ limit: '3', remaining: '0', policy: `3;w=${WINDOW_SECONDS}` });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
    expect(Number(refused.headers.get('ratelimit-reset'))).toBe(retryAfter);

    const metrics = await (await fetch(`${harness.url}/metrics`)).text();
    expect(metrics).toMatch(/^rate_limited_total\{class="reads"\} 1$/m);
  });

  it('leaves other principals, and the same principal’s other classes, their own budgets', async () => {
    await calls(BUDGET + 1, `${harness.url}${PROBE}`, { headers: token('bob') });

    const other = await call(`${harness.url}${PROBE}`, { headers: token('carol') });
    expect(other.status).toBe(200);
    expect(limitHeaders(other).remaining).toBe('2');

    const write = await call(`${harness.url}/test/validate`, {
      method: 'POST',
      headers: { ...token('bob'), 'content-type': 'application/json' },
      body: JSON.stringify({ reference: 'r-1' }),
    });
    expect(write.status).toBe(200);
    expect(limitHeaders(write).remaining).toBe('2');
  });

  it('counts calls without a token by client address, and the console on a budget of its own', async () => {
    const from = (address: string) => ({ headers: { 'x-forwarded-for': address } });
    const publicCalls = await calls(BUDGET + 1, `${harness.url}/test/public`, from('203.0.113.7'));
    expect(publicCalls.map((answer) => answer.status)).toEqual([200, 200, 200, 429]);

    expect((await call(`${harness.url}/test/public`, from('203.0.113.8'))).status).toBe(200);
    const consoleCalls = await calls(BUDGET + 1, `${harness.url}/console/config.json`, from('203.0.113.7'));
    expect(consoleCalls.map((answer) => answer.status)).toEqual([200, 200, 200, 429]);
  });

  it('never limits health probes, metrics or authentic Bitrix24 events', async () => {
    for (const path of ['/health/live', '/health/ready', '/metrics']) {
      const answers = await calls(BUDGET * 3, `${harness.url}${path}`);
      expect(answers.map((answer) => answer.status)).toEqual(Array(BUDGET * 3).fill(200));
      expect(answers.every((answer) => answer.headers.get('ratelimit-limit') === null)).toBe(true);
    }

    const events: Answer[] = [];
    for (let i = 0; i < BUDGET * 3; i += 1) {
      events.push(
        await call(`${harness.url}/api/v1/webhooks/bitrix24`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: authenticEvent(),
        }),
      );
    }
    expect(events.map((answer) => answer.status)).toEqual(Array(BUDGET * 3).fill(200));
    expect(events.map((answer) => JSON.parse(answer.body) as unknown)).toEqual(
      Array(BUDGET * 3).fill({ status: 'accepted' }),
    );
  });
});

describe('Per-subject rate limits across two API processes', () => {
  let env: TestEnvironment;
  const replicas: ApiProcess[] = [];
  const token = (subject: string) => bearer(signTestToken(env.config(), { sub: subject, roles: ['admin'] }));

  beforeAll(async () => {
    // Two OS processes started from the build, as two replicas run: each its own memory (and in-memory blocks) and
    // Redis connection; one database and one Redis key prefix, this file's own.
    env = await createTestEnvironment({ env: LIMITS });
    const started = await Promise.allSettled([startApiProcess(env.env), startApiProcess(env.env)]);
    for (const outcome of started) {
      if (outcome.status === 'fulfilled') {
        replicas.push(outcome.value);
      }
    }
    const failed = started.find((outcome) => outcome.status === 'rejected');
    if (failed) {
      throw failed.reason;
    }
    // The limiter fails open until its Redis connection is ready, which would let the burst through uncounted.
    for (const { url } of replicas) {
      await waitFor(
        async () => {
          const readiness = (await (await fetch(`${url}/health/ready`)).json()) as {
            details?: { redis?: { status?: string } };
          };
          return readiness.details?.redis?.status === 'up';
        },
        { what: `Redis ready in the API at ${url}` },
      );
    }
  });
  afterAll(async () => {
    await Promise.all(replicas.map(({ app }) => app.stop()));
    await env?.dispose();
  });

  it('spends one budget for a burst split across both, refusing the rest 429 on either', async () => {
    const perReplica = BUDGET * 2;
    const burst = await Promise.all(
      Array.from({ length: perReplica * replicas.length }, async (_, i) => {
        const replica = i % replicas.length;
        return { replica, answer: await call(`${replicas[replica].url}${SHIPPED_READ}`, { headers: token('dave') }) };
      }),
    );

    const accepted = burst.filter(({ answer }) => answer.status === 200).map(({ answer }) => answer);
    const refused = burst.filter(({ answer }) => answer.status !== 200);
    // Either process alone would have accepted BUDGET of its own share; together they accept BUDGET in all, each
    // answer counted once against the shared counter.
    expect(accepted).toHaveLength(BUDGET);
    expect(accepted.map((answer) => limitHeaders(answer).remaining).sort()).toEqual(['0', '1', '2']);
    expect(refused.map(({ answer }) => answer.status)).toEqual(Array(burst.length - BUDGET).fill(429));
    expect(new Set(refused.map(({ replica }) => replica))).toEqual(new Set([0, 1]));
    for (const { answer } of refused) {
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(JSON.parse(answer.body)).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
      expect(limitHeaders(answer)).toEqual({ limit: '3', remaining: '0', policy: `3;w=${WINDOW_SECONDS}` });
      const retryAfter = Number(answer.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
      expect(Number(answer.headers.get('ratelimit-reset'))).toBe(retryAfter);
    }

    // Another principal is served by both, from one budget of its own.
    const other: Answer[] = [];
    for (const { url } of replicas) {
      other.push(await call(`${url}${SHIPPED_READ}`, { headers: token('grace') }));
    }
    expect(other.map((answer) => answer.status)).toEqual([200, 200]);
    expect(other.map((answer) => limitHeaders(answer).remaining)).toEqual(['2', '1']);
  });
});

describe('Per-subject rate limits with Redis down', () => {
  let redis: RedisServerProcess;
  let harness: ApiHarness;
  const token = (subject: string) => bearer(signTestToken(harness.config, { sub: subject, roles: ['admin'] }));

  beforeAll(async () => {
    redis = await RedisServerProcess.start();
    harness = await startApiHarness({ ...LIMITS, REDIS_URL: redis.url });
  });
  afterAll(async () => {
    await harness?.close();
    await redis?.down();
  });

  it('limits while Redis answers, and lets every request through uncounted once it is gone', async () => {
    const before = await calls(BUDGET + 1, `${harness.url}${PROBE}`, { headers: token('erin') });
    expect(before.map((answer) => answer.status)).toEqual([200, 200, 200, 429]);

    await redis.down();
    const during = await calls(BUDGET * 2, `${harness.url}${PROBE}`, { headers: token('frank') });
    expect(during.map((answer) => answer.status)).toEqual(Array(BUDGET * 2).fill(200));
    expect(during.every((answer) => answer.headers.get('ratelimit-limit') === null)).toBe(true);

    const metrics = await (await fetch(`${harness.url}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`^rate_limit_fail_open_total\\{class="reads"\\} ${BUDGET * 2}$`, 'm'));
  });
});
