import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the fake does to the next matching push instead of (or before) accepting it. */
export type OnecServiceFault =
  | { readonly kind: 'status'; readonly status: number; readonly retryAfterSeconds?: number; readonly body?: string }
  | { readonly kind: 'delay'; readonly ms: number }
  | { readonly kind: 'hang' }
  | { readonly kind: 'reset' };

export interface ReceivedPush {
  readonly idempotencyKey: string | undefined;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: unknown;
  readonly receivedAt: Date;
  /** What the fake answered. */
  readonly status: number;
  /** A repeat of an already accepted Idempotency-Key (answered with the first response). */
  readonly duplicate: boolean;
}

export interface FakeOnecHttpServiceOptions {
  readonly host?: string;
  readonly port?: number;
  /** Required HTTP Basic credentials; none: any caller is accepted. */
  readonly login?: string;
  readonly password?: string;
}

/**
 * A stand-in for 1C's published HTTP service: a real node:http server that accepts `POST /events` pushes,
 * de-duplicates them by `Idempotency-Key` (as we ask 1C to), records everything it received, and misbehaves on
 * demand (5xx, 429 with Retry-After, latency, hanging until the client times out, connection resets).
 */
export class FakeOnecHttpService {
  /** Every push that reached the handler, in arrival order, with what was answered. */
  readonly received: ReceivedPush[] = [];
  private readonly faults: OnecServiceFault[] = [];
  private readonly accepted = new Map<string, unknown>();
  private readonly sockets = new Set<Socket>();

  private readonly server: Server;
  /** Base URL to configure as ONEC_HTTP_BASE_URL (a 1C HTTP service is published under `/hs/<name>`). */
  url = '';

  private constructor(private readonly options: FakeOnecHttpServiceOptions) {
    this.server = createServer((request, response) => void this.handle(request, response));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  static async start(options: FakeOnecHttpServiceOptions = {}): Promise<FakeOnecHttpService> {
    const fake = new FakeOnecHttpService(options);
    await new Promise<void>((resolve) => fake.server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
    const { address, port } = fake.server.address() as AddressInfo;
    fake.url = `http://${address}:${port}/hs/mastermobile`;
    return fake;
  }

  /** Pushes accepted once each (duplicates and failures left out), in order. */
  get pushes(): unknown[] {
    return [...this.accepted.values()];
  }

  /** The next `times` pushes meet this fault. */
  inject(fault: OnecServiceFault, times = 1): void {
    for (let index = 0; index < times; index += 1) {
      this.faults.push(fault);
    }
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) {
      socket.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** 1C's service gone: connections refused and open ones dropped until `up()`; what it received is kept. */
  down(): Promise<void> {
    return this.stop();
  }

  /** Back on the same address after `down()`. */
  async up(): Promise<void> {
    const { hostname, port } = new URL(this.url);
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(Number(port), hostname, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    if (request.method !== 'POST' || !request.url?.endsWith('/hs/mastermobile/events')) {
      respond(response, 404, { error: 'not found' });
      return;
    }
    if (this.options.login !== undefined && !this.authorised(request)) {
      this.record(request, body, 401, false);
      respond(response, 401, { error: 'unauthorised' });
      return;
    }
    const fault = this.faults.shift();
    if (fault?.kind === 'hang') {
      this.record(request, body, 0, false);
      return;
    }
    if (fault?.kind === 'reset') {
      this.record(request, body, 0, false);
      request.socket.destroy();
      return;
    }
    if (fault?.kind === 'delay') {
      await new Promise((resolve) => setTimeout(resolve, fault.ms));
    }
    if (fault?.kind === 'status') {
      this.record(request, body, fault.status, false);
      respond(response, fault.status, fault.body ?? { error: `injected ${fault.status}` }, fault.retryAfterSeconds);
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      this.record(request, body, 400, false);
      respond(response, 400, { error: 'body is not JSON' });
      return;
    }
    const key = header(request, 'idempotency-key');
    const duplicate = key !== undefined && this.accepted.has(key);
    if (key !== undefined && !duplicate) {
      this.accepted.set(key, parsed);
    }
    this.record(request, parsed, 200, duplicate);
    respond(response, 200, { accepted: true, duplicate });
  }

  private authorised(request: IncomingMessage): boolean {
    const expected = Buffer.from(`${this.options.login}:${this.options.password ?? ''}`).toString('base64');
    return request.headers.authorization === `Basic ${expected}`;
  }

  private record(request: IncomingMessage, body: unknown, status: number, duplicate: boolean): void {
    this.received.push({
      idempotencyKey: header(request, 'idempotency-key'),
      headers: { ...request.headers },
      body,
      receivedAt: new Date(),
      status,
      duplicate,
    });
  }
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function respond(response: ServerResponse, status: number, body: unknown, retryAfterSeconds?: number): void {
  response.statusCode = status;
  response.setHeader('content-type', 'application/json; charset=utf-8');
  if (retryAfterSeconds !== undefined) {
    response.setHeader('retry-after', String(retryAfterSeconds));
  }
  response.end(typeof body === 'string' ? body : JSON.stringify(body));
}
