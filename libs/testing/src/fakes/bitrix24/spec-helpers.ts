import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { sharedFolder } from '../../shared-folder';
import type { FakeBitrix24 } from './fake-bitrix24';

/**
 * The shared recorded fixtures are read in place rather than copied: the event bodies come from documentation
 * that declares no licence (fixtures README). Override the location with BITRIX24_FIXTURES_DIR.
 */
export function fixturePath(relative: string): string {
  return resolve(process.env.BITRIX24_FIXTURES_DIR ?? resolve(sharedFolder(), 'fixtures', 'bitrix24'), relative);
}

export function fixtureText(relative: string): string {
  return readFileSync(fixturePath(relative), 'utf8');
}

export function fixtureJson(relative: string): Loose {
  return JSON.parse(fixtureText(relative)) as Loose;
}

/** Parsed JSON that specs may index freely. */
export interface Loose {
  readonly [key: string]: Loose;
}

export function list(value: Loose): Loose[] {
  return value as unknown as Loose[];
}

export interface Answer {
  status: number;
  contentType: string;
  body: Loose;
}

export async function post(url: string, params: object = {}): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
  const text = await response.text();
  const contentType = response.headers.get('content-type') ?? '';
  return {
    status: response.status,
    contentType,
    body: (contentType.includes('json') ? JSON.parse(text) : { text }) as Loose,
  };
}

/** A call through the incoming webhook. */
export function call(fake: FakeBitrix24, method: string, params: object = {}): Promise<Answer> {
  return post(`${fake.webhookUrl}${method}`, params);
}

/** A call as the OAuth application, with the current access token unless another is given. */
export function callApp(fake: FakeBitrix24, method: string, params: object = {}, token?: string): Promise<Answer> {
  return post(`${fake.oauth.clientEndpoint}${method}`, { ...params, auth: token ?? fake.oauth.accessToken });
}

/** The structure of a JSON value: key sets and value types, with list elements described by their first one. */
export function shape(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.length === 0 ? [] : [shape(value[0])];
  }
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, shape((value as Record<string, unknown>)[key])]),
    );
  }
  return value === null ? 'null' : typeof value;
}

/** A clock tests move by hand. */
export class ManualClock {
  constructor(public nowMs = Date.parse('2026-03-02T09:00:00Z')) {}

  readonly now = (): number => this.nowMs;

  advance(ms: number): void {
    this.nowMs += ms;
  }
}

/** An event receiver standing in for the middleware: records raw bodies and answers with `status`. */
export async function startReceiver(status = 200): Promise<{
  url: string;
  bodies: Array<{ body: string; headers: IncomingMessage['headers'] }>;
  close(): Promise<void>;
}> {
  const bodies: Array<{ body: string; headers: IncomingMessage['headers'] }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      bodies.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
      res.writeHead(status).end('OK');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/b24/events`,
    bodies,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
