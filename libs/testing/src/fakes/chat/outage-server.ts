import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How a fake is down: answering 503, or not listening at all (connection refused). */
export type OutageMode = 'unavailable' | 'refusing';

export type RequestHandler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

/**
 * A real HTTP server on an ephemeral port that can be taken down and brought back on the same port, for the chat
 * fakes. Down as `refusing`, it closes its listener and open connections, so clients see ECONNREFUSED.
 */
export class OutageServer {
  private server: Server;
  private outage?: { mode: OutageMode; timer?: NodeJS.Timeout };
  private handler: RequestHandler = (_req, _body, res) => res.writeHead(404).end();

  private constructor(
    private readonly host: string,
    readonly port: number,
    server: Server,
  ) {
    this.server = server;
  }

  static async start(host = '127.0.0.1', port = 0): Promise<OutageServer> {
    const server = await listen(createServer(), host, port);
    const outage = new OutageServer(host, (server.address() as AddressInfo).port, server);
    outage.attach(server);
    return outage;
  }

  /** The fake's own answers, while the server is up. */
  onRequest(handler: RequestHandler): void {
    this.handler = handler;
  }

  get baseUrl(): string {
    return `http://${this.host}:${this.port}`;
  }

  get down(): OutageMode | undefined {
    return this.outage?.mode;
  }

  /** Down now; back by itself after `forMs` when given. */
  async goDown(mode: OutageMode = 'unavailable', forMs?: number): Promise<void> {
    await this.comeBack();
    this.outage = { mode };
    if (mode === 'refusing') {
      await closeServer(this.server);
    }
    if (forMs !== undefined) {
      this.outage.timer = setTimeout(() => void this.comeBack(), forMs);
    }
  }

  async comeBack(): Promise<void> {
    const outage = this.outage;
    if (!outage) {
      return;
    }
    this.outage = undefined;
    clearTimeout(outage.timer);
    if (outage.mode === 'refusing') {
      this.server = await listen(createServer(), this.host, this.port);
      this.attach(this.server);
    }
  }

  async close(): Promise<void> {
    clearTimeout(this.outage?.timer);
    if (this.outage?.mode !== 'refusing') {
      await closeServer(this.server);
    }
    this.outage = undefined;
  }

  private attach(server: Server): void {
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        if (this.outage?.mode === 'unavailable') {
          res.writeHead(503, { 'content-type': 'text/plain' }).end('service unavailable');
          return;
        }
        try {
          this.handler(req, Buffer.concat(chunks).toString('utf8'), res);
        } catch (error) {
          if (!res.headersSent) {
            res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
          }
        }
      });
    });
  }
}

function listen(server: Server, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
