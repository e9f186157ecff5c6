import { IntegrationError } from '@app/core';
import type { CloudEvent } from '@app/events';
import { OnecPushPort } from '@app/onec';

/** How 1C's HTTP service answers a push, in the terms a domain test thinks in. */
export type OnecPushAnswer =
  /** 1C fails on its side (HTTP 5xx). */
  | { readonly kind: 'server_error' }
  /** 1C takes longer than the client's timeout. */
  | { readonly kind: 'no_answer' }
  /** 1C asks us to come back later (HTTP 429 with `Retry-After`). */
  | { readonly kind: 'slow_down'; readonly retryAfterSeconds: number }
  /** 1C refuses our credentials (HTTP 401). */
  | { readonly kind: 'credentials_refused' }
  /** 1C will never take this push (another 4xx). */
  | { readonly kind: 'rejected' };

/**
 * In memory, 1C's HTTP service behind {@link OnecPushPort}: it accepts each event once by its id (as 1C
 * de-duplicates by `Idempotency-Key`) and answers with a failure on request, classified as the real client
 * classifies 1C's answers (the OnecPushPort contract suite holds both to it).
 */
export class InMemoryOnecPushPort extends OnecPushPort {
  /** Events 1C accepted, once each, by id in arrival order. */
  readonly accepted = new Map<string, CloudEvent>();
  private readonly answers: OnecPushAnswer[] = [];

  /** The next push meets this answer instead of being accepted. */
  answerNext(answer: OnecPushAnswer): void {
    this.answers.push(answer);
  }

  push(event: CloudEvent): Promise<void> {
    const answer = this.answers.shift();
    if (answer) {
      return Promise.reject(failureOf(answer));
    }
    if (!this.accepted.has(event.id)) {
      this.accepted.set(event.id, event);
    }
    return Promise.resolve();
  }
}

function failureOf(answer: OnecPushAnswer): IntegrationError {
  const system = { system: 'onec' };
  switch (answer.kind) {
    case 'server_error':
      return new IntegrationError('transient', 'ONEC_HTTP_500', "1C's HTTP service answered 500", system);
    case 'no_answer':
      return new IntegrationError('transient', 'ONEC_HTTP_TIMEOUT', "1C's HTTP service did not answer", system);
    case 'slow_down':
      return new IntegrationError('rate_limited', 'ONEC_RATE_LIMITED', '1C asked us to slow down (HTTP 429)', {
        ...system,
        retryAt: new Date(Date.now() + answer.retryAfterSeconds * 1000),
      });
    case 'credentials_refused':
      return new IntegrationError('unavailable', 'ONEC_AUTH_REFUSED', '1C refused our credentials (HTTP 401)', {
        ...system,
        retryAt: new Date(Date.now() + 5 * 60_000),
      });
    case 'rejected':
      return new IntegrationError('permanent', 'ONEC_HTTP_422', "1C's HTTP service refused the push (422)", system);
  }
}
