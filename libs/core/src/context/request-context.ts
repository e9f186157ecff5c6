import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** What travels with a unit of work: an HTTP request, a queued job, or a scheduled task. */
export interface RequestContextState {
  readonly requestId: string;
  /** Where the unit of work came from; HTTP log lines already carry the id through pino-http. */
  readonly source: 'http' | 'job' | 'scheduler' | 'cli';
  /** W3C traceparent of the originating request, carried into jobs and outbound calls. */
  readonly traceparent?: string;
  principal?: { readonly subject: string; readonly roles: readonly string[] };
}

const storage = new AsyncLocalStorage<RequestContextState>();

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The ambient context of the current async call chain. A store rather than parameters threaded by hand, so that a
 * repository, a log line or an HTTP client deep in a call stack all see the same request id.
 */
export const RequestContext = {
  run<T>(state: RequestContextState, fn: () => T): T {
    return storage.run(state, fn);
  },

  current(): RequestContextState | undefined {
    return storage.getStore();
  },

  requestId(): string | undefined {
    return storage.getStore()?.requestId;
  },

  /** Accepts a caller's id only when it cannot inject anything into logs or headers. */
  acceptOrGenerate(candidate: unknown): string {
    return typeof candidate === 'string' && SAFE_REQUEST_ID.test(candidate) ? candidate : randomUUID();
  },

  isSafeRequestId(candidate: string): boolean {
    return SAFE_REQUEST_ID.test(candidate);
  },
};

export const REQUEST_ID_HEADER = 'x-request-id';
