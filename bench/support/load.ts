import { Agent, request as httpRequest } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** Runs `count` calls of `call(i)` with `concurrency` in flight; returns requests per second. */
export async function saturate(
  count: number,
  concurrency: number,
  call: (i: number) => Promise<void>,
): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        await call(next++);
      }
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

/**
 * Sends `call(i)` at `rate` per second for `seconds`, whatever the answers' pace (an open loop), and answers each
 * call's latency counted from when it was due, not from when it was sent: a server that falls behind is charged for
 * the queue it builds (no coordinated omission).
 */
export async function paced(rate: number, seconds: number, call: (i: number) => Promise<void>): Promise<number[]> {
  const count = Math.round(rate * seconds);
  const latencies: number[] = [];
  const inFlight: Promise<void>[] = [];
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) {
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    inFlight.push(call(i).then(() => void latencies.push(performance.now() - due)));
  }
  await Promise.all(inFlight);
  return latencies;
}

/** CPU seconds (user + system) a process has used so far, from /proc; 0 for a process that has gone. */
export function cpuSecondsOf(pid: number): number {
  try {
    // Fields after the command (which may hold spaces) start at state; utime and stime are the 12th and 13th of them.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** Every PostgreSQL server process on the machine (the postmaster, its backends and helpers). */
export function postgresCpuSeconds(): number {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .reduce((sum, pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres' ? sum + cpuSecondsOf(Number(pid)) : sum;
      } catch {
        return sum;
      }
    }, 0);
}

export interface CpuShare {
  /** The server's process (the API, or the bare server when it runs in a process of its own). */
  readonly api: number;
  readonly postgres: number;
  /** The benchmark's own process: the load generator, and anything else it hosts. */
  readonly bench: number;
}

/** What `run` cost each process, in CPU milliseconds per request. */
export async function cpuPerRequest<T>(
  serverPid: number,
  requests: number,
  run: () => Promise<T>,
): Promise<{ result: T; cpu: CpuShare }> {
  const sample = (): CpuShare => {
    const own = process.cpuUsage();
    return { api: cpuSecondsOf(serverPid), postgres: postgresCpuSeconds(), bench: (own.user + own.system) / 1e6 };
  };
  const before = sample();
  const result = await run();
  const after = sample();
  const perRequest = (key: keyof CpuShare) => ((after[key] - before[key]) * 1000) / requests;
  return { result, cpu: { api: perRequest('api'), postgres: perRequest('postgres'), bench: perRequest('bench') } };
}

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

/**
 * A load generator's client: node:http over kept-alive connections, at most `connections` of them. Lighter than
 * fetch per request, which matters when the generator shares two cores with the server it measures.
 */
export class HttpLoad {
  private readonly agent: Agent;

  constructor(
    private readonly baseUrl: string,
    connections: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: connections });
  }

  send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<HttpAnswer> {
    return new Promise((resolve, reject) => {
      const request = httpRequest(
        `${this.baseUrl}${path}`,
        {
          method,
          agent: this.agent,
          headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
          );
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  }

  /** Like {@link send}, failing on anything but 200. */
  async expectOk(method: string, path: string, headers: Record<string, string>, body?: string): Promise<string> {
    const answer = await this.send(method, path, headers, body);
    if (answer.status !== 200) {
      throw new Error(`${method} ${this.baseUrl}${path}: ${answer.status} ${answer.body}`);
    }
    return answer.body;
  }

  close(): void {
    this.agent.destroy();
  }
}
