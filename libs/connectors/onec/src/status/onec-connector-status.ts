import {
  AppConfig,
  ConnectorState,
  ConnectorStatus,
  ConnectorStatusRegistry,
  MetricsService,
  PublishedBreaker,
  REDIS_CLIENT,
  redactUrl,
  ReplicatedCircuitBreaker,
  UnitOfWork,
} from '@app/core';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { ExchangeSessionState } from '../exchange/exchange-session.entity';
import { ONEC_HTTP_CIRCUIT } from '../http-service/onec-circuit-breaker';

const SESSION_STATES: readonly ExchangeSessionState[] = ['open', 'importing', 'completed', 'failed', 'expired'];
/** A failed exchange this recent makes the connector `degraded`. */
const RECENT_FAILURE_MS = 24 * 3600_000;

interface LastSession {
  id: string;
  type: string;
  state: ExchangeSessionState;
  created_at: Date;
  failure_reason: string | null;
}

interface PushTimes {
  last_success: Date | null;
  last_failure: Date | null;
  last_error: string | null;
}

/**
 * `onec` in GET /api/v1/admin/connectors, from shared state only: exchange sessions in PostgreSQL, the HTTP
 * client's breakers as the workers publish them to Redis, and the last pushes in the IntegrationLog. Also the
 * `onec_exchange_sessions{state}` gauge.
 */
@Injectable()
export class OnecConnectorStatus implements OnModuleInit {
  constructor(
    private readonly registry: ConnectorStatusRegistry,
    private readonly config: AppConfig,
    private readonly unitOfWork: UnitOfWork,
    private readonly metrics: MetricsService,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  onModuleInit(): void {
    this.registry.register('onec', () => this.status());
    const sessionCounts = () => this.sessionCounts();
    this.metrics.gauge({
      name: 'onec_exchange_sessions',
      help: '1C exchange sessions in the database, by state',
      labelNames: ['state'],
      async collect() {
        const counts = await sessionCounts().catch(() => null);
        for (const state of SESSION_STATES) {
          if (counts) {
            this.set({ state }, counts[state] ?? 0);
          }
        }
      },
    });
  }

  async status(): Promise<ConnectorStatus> {
    const exchangeConfigured = this.config.onec.exchange.account !== undefined;
    const http = this.config.onec.http;
    if (!exchangeConfigured && !http) {
      return {
        name: 'onec',
        configured: false,
        state: 'unconfigured',
        message:
          'Neither the CommerceML exchange (ONEC_EXCHANGE_LOGIN/PASSWORD) nor 1C HTTP service (ONEC_HTTP_BASE_URL) ' +
          'is configured; 1C can still pull events from GET /api/v1/events',
      };
    }
    const [counts, last, breakers, pushes] = await Promise.all([
      this.sessionCounts(),
      this.lastSession(),
      http ? this.breakers() : Promise.resolve([]),
      http ? this.pushTimes() : Promise.resolve(null),
    ]);
    let state: ConnectorState = 'ok';
    let message: string | undefined;
    const lastFailedRecently =
      last?.state === 'failed' && Date.now() - new Date(last.created_at).getTime() < RECENT_FAILURE_MS;
    const pushFailing = pushes?.last_failure && (!pushes.last_success || pushes.last_failure > pushes.last_success);
    if (breakers.some((breaker) => breaker.state === 'open')) {
      state = 'circuit_open';
      message = "The circuit to 1C's HTTP service is open on at least one worker";
    } else if (pushFailing) {
      state = 'degraded';
      message = `The last push to 1C failed: ${pushes?.last_error ?? 'unknown error'}`;
    } else if (lastFailedRecently) {
      state = 'degraded';
      message = `The last exchange session failed: ${last?.failure_reason ?? 'unknown reason'}`;
    }
    return {
      name: 'onec',
      configured: true,
      state,
      ...(message ? { message } : {}),
      details: {
        delivery: http ? 'push' : 'pull',
        exchange: {
          configured: exchangeConfigured,
          sessions: counts,
          lastSession: last
            ? {
                id: last.id,
                type: last.type,
                state: last.state,
                createdAt: new Date(last.created_at).toISOString(),
                failureReason: last.failure_reason,
              }
            : null,
        },
        http: http
          ? {
              baseUrl: redactUrl(http.baseUrl),
              breakers,
              lastSuccessAt: pushes?.last_success ? new Date(pushes.last_success).toISOString() : null,
              lastFailureAt: pushes?.last_failure ? new Date(pushes.last_failure).toISOString() : null,
            }
          : { configured: false },
      },
    };
  }

  private async sessionCounts(): Promise<Partial<Record<ExchangeSessionState, number>>> {
    const rows = await this.unitOfWork.manager.query<{ state: ExchangeSessionState; count: number }[]>(
      'SELECT state, count(*)::int AS count FROM onec_exchange_sessions GROUP BY state',
    );
    return Object.fromEntries(rows.map((row) => [row.state, row.count]));
  }

  private async lastSession(): Promise<LastSession | null> {
    const [row] = await this.unitOfWork.manager.query<LastSession[]>(
      `SELECT id, type, state, created_at, failure_reason FROM onec_exchange_sessions
        ORDER BY created_at DESC, id DESC LIMIT 1`,
    );
    return row ?? null;
  }

  private breakers(): Promise<PublishedBreaker[]> {
    return ReplicatedCircuitBreaker.readAll(this.redis, this.config.redis.keyPrefix, ONEC_HTTP_CIRCUIT);
  }

  private async pushTimes(): Promise<PushTimes> {
    // The (system, id) index serves both: the newest rows of each outcome are near the end of 1C's rows.
    const [success] = await this.unitOfWork.manager.query<{ occurred_at: Date }[]>(
      `SELECT occurred_at FROM integration_log
        WHERE system = 'onec' AND direction = 'outbound' AND outcome = 'success' ORDER BY id DESC LIMIT 1`,
    );
    const [failure] = await this.unitOfWork.manager.query<{ occurred_at: Date; error_message: string | null }[]>(
      `SELECT occurred_at, error_message FROM integration_log
        WHERE system = 'onec' AND direction = 'outbound' AND outcome = 'failure' ORDER BY id DESC LIMIT 1`,
    );
    return {
      last_success: success?.occurred_at ?? null,
      last_failure: failure?.occurred_at ?? null,
      last_error: failure?.error_message ?? null,
    };
  }
}
