import { AppConfig } from '@app/core';
import { Injectable } from '@nestjs/common';
import { parseBatchResult, type BatchCommand, type CommandResult } from './batch-result';
import { Bitrix24Error } from './bitrix24-error';
import { Bitrix24Metrics } from './bitrix24.metrics';
import { PortalCircuitBreaker } from './circuit-breaker';
import { Bitrix24Credentials } from './credentials';
import { OperatingBudget, type TimeBlock } from './operating-budget';
import { PortalRateLimiter, sleep } from './rate-limiter';
import { Bitrix24Transport } from './transport';

export interface CallOptions {
  /**
   * `false` for reads and other calls that are safe to repeat: they are retried automatically after transient
   * failures. `true` for writes: never re-sent once the portal may have acted on them (timeout, reset, 5xx); the
   * caller decides, after looking the entity up by its external id.
   */
  readonly write: boolean;
  /** A REST 3.0 method that honours `Idempotency-Key` (e.g. `tasks.task.add`): the key lets writes be retried too. */
  readonly idempotencyKey?: string;
  /** The caller already holds a slot of the shared bucket for the first attempt. */
  readonly slotHeld?: boolean;
  readonly entityType?: string;
  readonly entityId?: string;
}

export interface Bitrix24Answer<T = unknown> {
  readonly result: T;
  readonly total?: number;
  readonly next?: number;
  readonly time?: TimeBlock;
}

/** Limit refusals (503) happen before the portal does anything, so even writes may be re-sent. */
const QUERY_LIMIT_RETRIES = 5;
const READ_RETRIES = 3;
const BACKOFF_BASE_MS = 500;
export const MAX_BATCH_COMMANDS = 50;
export const PAGE_SIZE = 50;

/**
 * The quota-aware REST client: every attempt passes the shared leaky bucket, the per-method operating pause and
 * the circuit breaker; answers feed the operating budget and the metrics. Retries follow the safety of the call
 * (see {@link CallOptions.write}); an expired OAuth token is refreshed once and the call repeated.
 */
@Injectable()
export class Bitrix24Client {
  constructor(
    private readonly config: AppConfig,
    private readonly transport: Bitrix24Transport,
    private readonly credentials: Bitrix24Credentials,
    private readonly limiter: PortalRateLimiter,
    private readonly budget: OperatingBudget,
    private readonly breaker: PortalCircuitBreaker,
    private readonly metrics: Bitrix24Metrics,
  ) {}

  get configured(): boolean {
    return this.config.bitrix24.authMode !== 'unconfigured';
  }

  async call<T = unknown>(
    method: string,
    params: Record<string, unknown>,
    options: CallOptions,
  ): Promise<Bitrix24Answer<T>> {
    const body = await this.withRetries(method, options, (slotHeld, used) =>
      this.attempt(method, params, options, slotHeld, used),
    );
    const answer = body as { result: T; total?: unknown; next?: unknown; time?: TimeBlock };
    await this.budget.record(method, answer.time).catch(() => undefined);
    this.metrics.calls.inc({ method, outcome: 'ok' });
    return {
      result: answer.result,
      total: typeof answer.total === 'number' ? answer.total : undefined,
      next: typeof answer.next === 'number' ? answer.next : undefined,
      time: answer.time,
    };
  }

  /**
   * Up to 50 commands in one request (one slot of the bucket). `halt=0`: one failing command does not stop the
   * others. Returns a result or a coded error for every command; throws only when the whole request failed.
   */
  async batch(commands: ReadonlyMap<string, BatchCommand>, options: CallOptions): Promise<Map<string, CommandResult>> {
    if (commands.size > MAX_BATCH_COMMANDS) {
      throw new Error(`A batch takes at most ${MAX_BATCH_COMMANDS} commands, got ${commands.size}`);
    }
    for (const command of commands.values()) {
      const until = await this.budget.pausedUntil(command.method);
      if (until) {
        throw pausedError(command.method, until);
      }
    }
    const cmd = Object.fromEntries(
      [...commands].map(([name, command]) => [name, `${command.method}?${encodeParams(command.params)}`]),
    );
    const body = await this.withRetries('batch', options, (slotHeld, used) =>
      this.attempt('batch', { halt: 0, cmd }, options, slotHeld, used),
    );
    await this.budget.record('batch', (body as { time?: TimeBlock }).time).catch(() => undefined);
    const results = parseBatchResult([...commands.keys()], commands, body);
    for (const [name, outcome] of results) {
      const method = commands.get(name)!.method;
      this.metrics.calls.inc({ method, outcome: outcome.ok ? 'ok' : outcome.error.code });
      if (outcome.ok) {
        await this.budget.record(method, outcome.time).catch(() => undefined);
      } else if (outcome.error.code === 'BITRIX24_OPERATION_TIME_LIMIT') {
        await this.budget.blocked(method).catch(() => undefined);
      }
    }
    return results;
  }

  /**
   * Every row matching `filter`, by keyset: `order {ID: ASC}`, `filter >ID`, `start=-1` (no COUNT on the portal;
   * protocol doc §2.6). Reads, so retried automatically.
   */
  async *listAll<T extends Record<string, unknown>>(
    method: string,
    params: Record<string, unknown>,
    options: { idField: string; itemsKey?: string },
  ): AsyncGenerator<T[]> {
    let lastId = 0;
    for (;;) {
      const filter = {
        ...((params.filter as Record<string, unknown> | undefined) ?? {}),
        [`>${options.idField}`]: lastId,
      };
      const answer = await this.call<unknown>(
        method,
        { ...params, filter, order: { [options.idField]: 'ASC' }, start: -1 },
        { write: false },
      );
      const rows = itemsOf<T>(answer.result, options.itemsKey);
      if (rows.length > 0) {
        yield rows;
      }
      if (rows.length < PAGE_SIZE) {
        return;
      }
      lastId = Number(rows[rows.length - 1][options.idField]);
    }
  }

  private async attempt(
    method: string,
    params: Record<string, unknown>,
    options: CallOptions,
    slotHeld: boolean,
    used: { auth?: string },
  ): Promise<unknown> {
    const until = await this.budget.pausedUntil(method);
    if (until) {
      throw pausedError(method, until);
    }
    const prepared = await this.credentials.prepare(method);
    used.auth = prepared.auth;
    return this.breaker.execute(method, async () => {
      if (!slotHeld) {
        await this.acquireSlot();
      }
      const body = {
        ...params,
        ...(prepared.auth ? { auth: prepared.auth } : {}),
        // Our calls carry the connector id, so the portal does not queue our own writes back to our offline handler.
        ...(this.config.bitrix24.authMode === 'oauth' ? { auth_connector: this.config.bitrix24.authConnector } : {}),
      };
      const answer = await this.transport.send({
        method,
        url: prepared.url,
        body,
        headers: options.idempotencyKey ? { 'Idempotency-Key': options.idempotencyKey } : undefined,
        entityType: options.entityType,
        entityId: options.entityId,
      });
      return answer.body;
    });
  }

  get circuitOpen(): boolean {
    return this.breaker.refusing;
  }

  circuitOpenError(): Bitrix24Error {
    return this.breaker.openError('batch');
  }

  async acquireSlot(): Promise<void> {
    const waited = await this.limiter.acquire();
    this.metrics.limiterWait.observe({ portal: this.config.bitrix24.portal ?? 'unconfigured' }, waited / 1000);
  }

  private async withRetries(
    method: string,
    options: CallOptions,
    attempt: (slotHeld: boolean, used: { auth?: string }) => Promise<unknown>,
  ): Promise<unknown> {
    let limitRetries = 0;
    let readRetries = 0;
    let refreshed = false;
    let slotHeld = options.slotHeld ?? false;
    const used: { auth?: string } = {};
    for (;;) {
      try {
        return await attempt(slotHeld, used);
      } catch (error) {
        slotHeld = false;
        if (!(error instanceof Bitrix24Error)) {
          throw error;
        }
        this.metrics.calls.inc({ method, outcome: error.code });
        if (error.code === 'BITRIX24_OPERATION_TIME_LIMIT') {
          if (error.outcome === 'not_sent') {
            // Our own refusal of a paused method, not a new 429: pausing again would push the end of the pause
            // forward on every refused call, and under steady traffic the method would never resume.
            throw error;
          }
          const until = await this.budget.blocked(method).catch(() => new Date(Date.now() + 60_000));
          throw pausedError(method, until);
        }
        if (error.code === 'BITRIX24_QUERY_LIMIT_EXCEEDED' && limitRetries < QUERY_LIMIT_RETRIES) {
          await sleep(BACKOFF_BASE_MS * 1.5 ** limitRetries++);
          continue;
        }
        if (error.code === 'BITRIX24_EXPIRED_TOKEN' && !refreshed && this.config.bitrix24.authMode === 'oauth') {
          refreshed = true;
          // The token this attempt used: if another replica already replaced it, no second refresh happens.
          await this.credentials.refreshAfterExpiry(used.auth);
          continue;
        }
        const safeToRepeat = !options.write || options.idempotencyKey !== undefined || error.outcome !== 'unknown';
        if (
          error.category === 'transient' &&
          safeToRepeat &&
          readRetries < READ_RETRIES &&
          error.code !== 'BITRIX24_QUERY_LIMIT_EXCEEDED'
        ) {
          await sleep(BACKOFF_BASE_MS * 2 ** readRetries++);
          continue;
        }
        throw error;
      }
    }
  }
}

function pausedError(method: string, until: Date): Bitrix24Error {
  return new Bitrix24Error(
    'rate_limited',
    'BITRIX24_OPERATION_TIME_LIMIT',
    `${method} is paused by its operating budget`,
    {
      method,
      outcome: 'not_sent',
      retryAt: until,
    },
  );
}

export function itemsOf<T>(result: unknown, itemsKey?: string): T[] {
  if (Array.isArray(result)) {
    return result as T[];
  }
  if (itemsKey && result && typeof result === 'object') {
    const items = (result as Record<string, unknown>)[itemsKey];
    return Array.isArray(items) ? (items as T[]) : [];
  }
  return [];
}

/** PHP bracket encoding, as `batch` commands are query strings (`fields[title]=…&select[]=id`). */
export function encodeParams(params: Record<string, unknown>): string {
  const pairs: string[] = [];
  const walk = (prefix: string, value: unknown): void => {
    if (value === undefined) {
      return;
    }
    if (value === null) {
      pairs.push(`${encodeURIComponent(prefix)}=`);
    } else if (Array.isArray(value)) {
      if (value.length === 0) {
        pairs.push(`${encodeURIComponent(prefix)}=`);
      }
      value.forEach((item, index) => walk(`${prefix}[${index}]`, item));
    } else if (typeof value === 'object') {
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        walk(prefix === '' ? key : `${prefix}[${key}]`, item);
      }
    } else if (typeof value === 'boolean') {
      pairs.push(`${encodeURIComponent(prefix)}=${value ? 'Y' : 'N'}`);
    } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') {
      pairs.push(`${encodeURIComponent(prefix)}=${encodeURIComponent(String(value))}`);
    }
  };
  walk('', params);
  return pairs.join('&');
}
