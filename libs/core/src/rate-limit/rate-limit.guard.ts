import { CanActivate, ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import type { Counter } from 'prom-client';
import { RateLimiterRedis, RateLimiterRes, RLWrapperTimeouts } from 'rate-limiter-flexible';
import type { Principal } from '../auth/principal';
import { AppConfig, RATE_LIMIT_CLASSES, RateLimitClass } from '../config/app-config';
import { AppError } from '../errors/app-error';
import { MetricsService } from '../metrics/metrics.service';
import { REDIS_CLIENT } from '../redis/redis.module';
import { RATE_LIMIT_CLASS } from './rate-limit.decorators';

const READ_METHODS = new Set(['GET', 'HEAD']);

/**
 * A Redis round trip slower than this is taken for an outage: the request goes on unlimited rather than waiting
 * on a limiter that protects the API.
 */
const STORE_TIMEOUT_MS = 250;

/**
 * Per-subject request budgets, shared by every API replica through Redis (fixed windows, one atomic INCR per
 * request). The subject is the token's principal, so this guard runs after the AccessGuard (see AuthModule); routes
 * without a token (the 1C exchange, the console's page, installs) are counted by the client address, which is the
 * real one only where TRUST_PROXY names the ingress.
 *
 * Redis down, or slower than {@link STORE_TIMEOUT_MS}, fails open: the limits protect the API from a runaway or
 * hostile client, and blocking every client for an outage of the limiter would be the bigger harm.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly logger = new Logger('RateLimit');
  private readonly limiters: ReadonlyMap<RateLimitClass, RLWrapperTimeouts>;
  private readonly limited: Counter<'class'>;
  private readonly failedOpen: Counter<'class'>;
  private storeFailing = false;

  constructor(
    private readonly reflector: Reflector,
    private readonly config: AppConfig,
    @Inject(REDIS_CLIENT) redis: Redis,
    metrics: MetricsService,
  ) {
    const { budgets, windowSeconds } = config.rateLimit;
    this.limiters = new Map(
      RATE_LIMIT_CLASSES.map((budget) => {
        const store = new RateLimiterRedis({
          storeClient: redis,
          keyPrefix: `${config.redis.keyPrefix}:rate-limit:${budget}`,
          points: budgets[budget],
          duration: windowSeconds,
          // Not waiting for a reconnect: the shared client fails fast, and so does the limiter.
          rejectIfRedisNotReady: true,
          // A subject over its budget is refused from memory for the rest of the window: a flood costs no Redis.
          inMemoryBlockOnConsumed: budgets[budget] + 1,
        });
        return [budget, new RLWrapperTimeouts({ limiter: store, timeoutMs: STORE_TIMEOUT_MS })] as const;
      }),
    );
    this.limited = metrics.counter({
      name: 'rate_limited_total',
      help: 'Requests refused with 429 because their subject spent its budget, by budget class',
      labelNames: ['class'],
    });
    this.failedOpen = metrics.counter({
      name: 'rate_limit_fail_open_total',
      help: 'Requests let through uncounted because the rate limiter could not reach Redis, by budget class',
      labelNames: ['class'],
    });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!this.config.rateLimit.enabled || context.getType() !== 'http') {
      return true;
    }
    const declared = this.reflector.getAllAndOverride<RateLimitClass | false | undefined>(RATE_LIMIT_CLASS, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (declared === false) {
      return true;
    }
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: Principal }>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const budget = declared ?? (READ_METHODS.has(request.method) ? 'reads' : 'writes');
    const subject = request.user ? `principal:${request.user.subject}` : `address:${request.ip}`;
    let spent: RateLimiterRes;
    try {
      spent = await this.limiters.get(budget)!.consume(subject);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        this.describe(reply, budget, rejection);
        this.limited.inc({ class: budget });
        const retryAfterSeconds = secondsUntil(rejection);
        throw new AppError('RATE_LIMITED', 'rate_limited', 'Too many requests', {
          detail: `The ${budget} budget of ${this.config.rateLimit.budgets[budget]} requests per ${this.config.rateLimit.windowSeconds} s is spent; retry in ${retryAfterSeconds} s.`,
          retryAfterSeconds,
        });
      }
      this.failOpen(budget, rejection);
      return true;
    }
    if (this.storeFailing) {
      this.storeFailing = false;
      this.logger.log('The rate limiter reaches Redis again: limits apply');
    }
    this.describe(reply, budget, spent);
    return true;
  }

  /** The IETF draft's RateLimit-* fields, on answers and refusals alike, so clients can pace before a 429. */
  private describe(reply: FastifyReply, budget: RateLimitClass, spent: RateLimiterRes): void {
    const limit = this.config.rateLimit.budgets[budget];
    void reply.headers({
      'ratelimit-limit': String(limit),
      'ratelimit-remaining': String(Math.max(0, spent.remainingPoints)),
      'ratelimit-reset': String(secondsUntil(spent)),
      'ratelimit-policy': `${limit};w=${this.config.rateLimit.windowSeconds}`,
    });
  }

  /** One log line per outage, not per request: the metric counts the requests. */
  private failOpen(budget: RateLimitClass, error: unknown): void {
    this.failedOpen.inc({ class: budget });
    if (!this.storeFailing) {
      this.storeFailing = true;
      this.logger.warn(
        { err: error },
        'The rate limiter cannot reach Redis: requests pass unlimited until it can (rate_limit_fail_open_total)',
      );
    }
  }
}

function secondsUntil(spent: RateLimiterRes): number {
  return Math.max(1, Math.ceil(spent.msBeforeNext / 1000));
}
