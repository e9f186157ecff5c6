import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { AppProcess } from '@app/testing';
import { Client } from 'pg';
import { format } from 'prettier';

/** The API and a worker started from the build as production runs them, each stopped and restarted at will. */
export class Apps {
  api?: AppProcess;
  worker?: AppProcess;

  constructor(
    readonly env: Record<string, string>,
    readonly port: number,
  ) {}

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.startApi();
    await this.startWorker();
  }

  startApi(): void {
    this.api = AppProcess.start('api', this.env);
  }

  /** Resolves once the worker logs its start (it runs at info level for that line). */
  async startWorker(): Promise<void> {
    this.worker = AppProcess.start('worker', { ...this.env, LOG_LEVEL: 'info' });
    await this.worker.waitForOutput(/Worker started/, 120_000);
  }

  /** Our API answers ready (not another process that took the port while ours could not bind it). */
  async ready(): Promise<boolean> {
    if (this.api?.child.exitCode !== null) {
      return false;
    }
    const response = await fetch(`${this.base}/health/ready`).catch(() => undefined);
    return response?.status === 200;
  }

  async kill(): Promise<void> {
    await Promise.all([this.api?.stop(), this.worker?.stop()]);
  }

  /** A JSON request with a fresh Idempotency-Key; throws on anything but 2xx. */
  async call(method: string, path: string, token: string, body?: unknown): Promise<Response> {
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        'idempotency-key': randomUUID(),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    if (response.status >= 300) {
      throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    }
    return response;
  }
}

/** One query on a short-lived connection (the drills restart the database under the apps). */
export async function queryOnce<T extends object>(databaseUrl: string, sql: string, parameters: unknown[] = []) {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(sql, parameters)).rows;
  } finally {
    await client.end();
  }
}

/** Rewrites the section `heading` of a markdown file (appended when missing), formatted as the repository is. */
export async function rewriteSection(path: string, heading: string, section: string): Promise<void> {
  const current = readFileSync(path, 'utf8');
  // Where the heading starts a line (an index in `current`), and its section: up to a heading of its level or above.
  const start = `\n${current}`.indexOf(`\n${heading}\n`);
  const rest = current.slice(start + heading.length);
  const next = rest.search(new RegExp(`\n#{1,${heading.indexOf(' ')}} `));
  const updated =
    start < 0
      ? `${current.trimEnd()}\n\n${section}`
      : `${current.slice(0, start)}${section}${next < 0 ? '' : rest.slice(next)}`;
  writeFileSync(
    path,
    await format(updated, { parser: 'markdown', filepath: path, singleQuote: true, printWidth: 120 }),
  );
}
