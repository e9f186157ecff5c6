import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedAnswer {
  readonly status?: number;
  readonly body: unknown;
  /** Sent as is (e.g. an HTML page); `body` is JSON-encoded otherwise. */
  readonly raw?: string;
  readonly contentType?: string;
}

export interface SeenRequest {
  readonly path: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Record<string, unknown>;
}

/** A portal that answers with recorded responses, in order, and remembers what it was asked. */
export class ReplayPortal {
  readonly seen: SeenRequest[] = [];
  private readonly script: ScriptedAnswer[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<ReplayPortal> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const portal = new ReplayPortal(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on('request', (req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString()));
      req.on('end', () => {
        portal.seen.push({
          path: req.url ?? '',
          headers: req.headers,
          body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
        });
        const next = portal.script.shift() ?? {
          status: 500,
          body: { error: 'NO_SCRIPT', error_description: 'nothing scripted' },
        };
        const payload = next.raw ?? JSON.stringify(next.body);
        res
          .writeHead(next.status ?? 200, { 'content-type': next.contentType ?? 'application/json; charset=utf-8' })
          .end(payload);
      });
    });
    return portal;
  }

  /** `https://<portal>/rest/<user>/<secret>/` as the connector is configured with. */
  get webhookUrl(): string {
    return `${this.url}/rest/1/replaysecret/`;
  }

  answer(...answers: ScriptedAnswer[]): void {
    this.script.push(...answers);
  }

  reset(): void {
    this.script.length = 0;
    this.seen.length = 0;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
