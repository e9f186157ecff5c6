import { IntegrationError, IntegrationLogService } from '@app/core';
import { Injectable } from '@nestjs/common';

export interface Exchange {
  readonly system: 'slack' | 'telegram';
  readonly operation: string;
  /** The real URL, which carries the secret. */
  readonly url: string;
  /** What the IntegrationLog shows instead: the URL with its secret part replaced. */
  readonly loggedUrl: string;
  readonly body: Record<string, unknown>;
  readonly entityId?: string;
  readonly timeoutMs: number;
}

export interface ExchangeAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/**
 * One POST to a chat service with a timeout and an IntegrationLog row. The row names the redacted URL only: Slack's
 * webhook URL and Telegram's bot token are bearer credentials. Network failures are transient: the message may or
 * may not have arrived, and a rare repeat beats a lost alert.
 */
@Injectable()
export class HttpExchange {
  constructor(private readonly log: IntegrationLogService) {}

  /** Resolves with the answer `classify` accepts (returns undefined for); otherwise throws what it returned. */
  async post(exchange: Exchange, classify: (answer: ExchangeAnswer) => IntegrationError | undefined): Promise<void> {
    const started = Date.now();
    let answer: ExchangeAnswer;
    try {
      const response = await fetch(exchange.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(exchange.body),
        signal: AbortSignal.timeout(exchange.timeoutMs),
      });
      answer = { status: response.status, headers: response.headers, text: await response.text() };
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      const cause = (error as { cause?: { code?: string } } | null)?.cause?.code;
      const failure = new IntegrationError(
        'transient',
        `${exchange.system.toUpperCase()}_${timedOut ? 'TIMEOUT' : 'NETWORK'}`,
        `${exchange.system} ${exchange.operation}: ${timedOut ? 'no answer in time' : `network error ${cause ?? 'unknown'}`}`,
        { system: exchange.system },
      );
      this.record(exchange, started, undefined, undefined, failure);
      throw failure;
    }
    const failure = classify(answer);
    // A success answer is not kept: Telegram's echoes the chat, which for a private chat is a person.
    this.record(exchange, started, answer.status, failure ? answer.text.slice(0, 1_000) : undefined, failure);
    if (failure) {
      throw failure;
    }
  }

  private record(
    exchange: Exchange,
    started: number,
    httpStatus: number | undefined,
    responseBody: string | undefined,
    failure: IntegrationError | undefined,
  ): void {
    void this.log.record({
      direction: 'outbound',
      system: exchange.system,
      operation: exchange.operation,
      outcome: failure ? 'failure' : 'success',
      entityType: 'notification',
      entityId: exchange.entityId,
      httpMethod: 'POST',
      url: exchange.loggedUrl,
      httpStatus,
      durationMs: Date.now() - started,
      requestBody: exchange.body,
      responseBody,
      errorCode: failure?.code,
      errorMessage: failure?.message,
    });
  }
}

/** `Retry-After` in seconds (Slack sends seconds), or the fallback. */
export function retryAfterSeconds(value: string | null | undefined, fallback: number): number {
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : fallback;
}
