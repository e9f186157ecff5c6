/**
 * `npm run demo -- --exit`: the compiled demo (the global set-up builds dist/) on this run's own database and Redis
 * prefix plays every step of its story against the real apps and fakes, prints the console and a token, and exits 0.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '@app/core';
import { TEST_POSTGRES_URL, TEST_REDIS_URL, testDatabaseName, testRedisPrefix } from '@app/testing';
import { verify } from 'jsonwebtoken';

const ROOT = join(__dirname, '..', '..');
const STEPS = [
  '1C catalog exchange (CommerceML)',
  '1C master data over REST',
  'delivery created by 1C',
  'delivery dispatched from the Bitrix24 board',
  'delivered with cash',
  'delivery confirmed to 1C',
  'SLA deviation raised',
  'instant order sold at the door',
  'return led through to 1C',
  'cash handed over and posted',
  'SLA deviation resolved',
  'collision resolved',
];

describe('npm run demo -- --exit', () => {
  it('plays every step of the story, prints the console and an admin token, and exits 0', async () => {
    const run = await promisify(execFile)(
      process.execPath,
      [
        join(ROOT, 'dist', 'scripts', 'demo.js'),
        '--exit',
        '--port',
        '0',
        '--database',
        testDatabaseName('demo'),
        '--redis-prefix',
        testRedisPrefix('demo'),
        '--postgres-url',
        TEST_POSTGRES_URL,
        '--redis-url',
        TEST_REDIS_URL,
      ],
      // Whatever configures this shell must not reach the demo: it runs as a fresh clone does.
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '' }, timeout: 110_000 },
    ).catch((failure: { code?: number; stdout?: string; stderr?: string }) => failure);
    const lines = (run.stdout ?? '').trimEnd().split('\n');

    expect(lines.filter((line) => line.startsWith('✗') || line.startsWith('FAIL'))).toEqual([]);
    expect(run).not.toHaveProperty('code');
    const steps = lines.filter((line) => line.startsWith('✓ ')).map((line) => line.slice(2).split(' — ')[0]);
    expect(steps.slice(-STEPS.length)).toEqual(STEPS);
    expect(lines.filter((line) => line.startsWith('✓ ')).every((line) => / — \S/.test(line))).toBe(true);
    expect(lines).toContainEqual(expect.stringMatching(/^PASS 12 steps in \d+\.\d s$/));

    expect(lines).toContainEqual(expect.stringMatching(/^Console: +http:\/\/127\.0\.0\.1:\d+\/console /));
    const token =
      lines
        .find((line) => line.startsWith('Admin token:'))
        ?.split(/\s+/)
        .at(-1) ?? '';
    const config = loadConfig({});
    expect(
      verify(token, config.jwt.secret!, { issuer: config.jwt.issuer, audience: config.jwt.audience }),
    ).toMatchObject({ roles: ['admin'] });
  }, 120_000);
});
