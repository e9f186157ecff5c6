import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppConfig, REDIS_CLIENT, RequestContext } from '@app/core';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { OnecMetrics } from '../onec.metrics';
import { ExchangeFailure } from './exchange-failure';
import { ExchangeSessionEntity, ExchangeType, LIVE_SESSION_STATES } from './exchange-session.entity';
import { ExchangeSessionStore } from './exchange-session.store';

/** The cookie 1C receives on `checkauth` (reply lines 2 and 3) and sends back on every later call. */
export const EXCHANGE_COOKIE_NAME = 'MM1C_EXCHANGE';

const LOGIN_WINDOW_SECONDS = 15 * 60;

/** What the exchange needs to know about the HTTP request, independent of the web framework. */
export interface ExchangeCaller {
  readonly authorization?: string;
  readonly cookie?: string;
  readonly remoteAddress: string | null;
  readonly userAgent: string | null;
  /** The `sessid` query parameter, when 1C sent one. */
  readonly sessid?: string;
}

export interface NewSessionCredentials {
  readonly session: ExchangeSessionEntity;
  /** The cookie value; only its hash is stored. */
  readonly cookieValue: string;
}

/**
 * The exchange account: HTTP Basic on `checkauth` opens a session (cookie + `sessid`), later calls present the
 * cookie, or Basic again where a FastCGI proxy dropped the cookie's session (1C keeps sending Basic). Refusals
 * answer `failure`, count against the caller's address and leave a security log line without secrets.
 */
@Injectable()
export class ExchangeAuthService {
  private readonly logger = new Logger('OnecExchangeSecurity');

  constructor(
    private readonly config: AppConfig,
    private readonly store: ExchangeSessionStore,
    private readonly metrics: OnecMetrics,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  /** `mode=checkauth`. */
  async openSession(caller: ExchangeCaller, type: ExchangeType): Promise<NewSessionCredentials> {
    const login = await this.verifyBasic(caller, { required: true });
    const cookieValue = randomBytes(32).toString('base64url');
    const session = await this.store.create({
      type,
      login: login!,
      cookieHash: hashCookie(cookieValue),
      sessid: randomBytes(16).toString('hex'),
      remoteAddress: caller.remoteAddress,
      userAgent: caller.userAgent?.slice(0, 200) ?? null,
    });
    this.markPrincipal(login!);
    return { session, cookieValue };
  }

  /** Every call after `checkauth`: the caller's live session of this type, renewed. */
  async sessionOf(caller: ExchangeCaller, type: ExchangeType): Promise<ExchangeSessionEntity> {
    this.requireConfigured(caller);
    const cookieValue = readCookie(caller.cookie, EXCHANGE_COOKIE_NAME);
    let session = cookieValue ? await this.store.findByCookieHash(hashCookie(cookieValue)) : null;
    if (!session) {
      const login = await this.verifyBasic(caller, { required: false });
      if (login === undefined) {
        this.refuse(caller, 'no_session', 'no or unknown session cookie and no Basic credentials');
        throw new ExchangeFailure('AUTH_REQUIRED', 'No exchange session: call mode=checkauth first');
      }
      session = await this.store.findLatestLive(login, type);
      if (!session) {
        throw new ExchangeFailure('AUTH_REQUIRED', 'No live exchange session for this login: call mode=checkauth');
      }
    }
    if (session.type !== type) {
      throw new ExchangeFailure(
        'WRONG_EXCHANGE_TYPE',
        `This session was opened for type=${session.type}; call mode=checkauth for type=${type}`,
      );
    }
    if (session.state === 'failed') {
      throw new ExchangeFailure('SESSION_FAILED', session.failureReason ?? 'The exchange session failed');
    }
    if (!LIVE_SESSION_STATES.includes(session.state) || session.expiresAt.getTime() < Date.now()) {
      throw new ExchangeFailure('SESSION_EXPIRED', 'The exchange session has ended: call mode=checkauth again');
    }
    const sessidMatches = caller.sessid !== undefined && safeEqual(caller.sessid, session.sessid);
    if (caller.sessid !== undefined ? !sessidMatches : session.sessidSeen) {
      // 1C-Bitrix refuses a call without the session's sessid once it has seen it ("Ошибка проверки источника").
      this.refuse(caller, 'sessid_mismatch', 'sessid missing or wrong for the session');
      throw new ExchangeFailure('SESSID_MISMATCH', 'The sessid parameter does not match the exchange session');
    }
    await this.store.touch(session.id, sessidMatches);
    this.markPrincipal(session.login);
    return session;
  }

  /** Refuses early, without a security line, when no exchange account is configured. */
  requireConfigured(_caller: ExchangeCaller): void {
    if (!this.config.onec.exchange.account) {
      throw new ExchangeFailure(
        'NOT_CONFIGURED',
        'The CommerceML exchange is not configured here (ONEC_EXCHANGE_LOGIN / ONEC_EXCHANGE_PASSWORD)',
      );
    }
  }

  /** The login when valid Basic credentials came; undefined when none came and they are optional. */
  private async verifyBasic(caller: ExchangeCaller, { required }: { required: boolean }): Promise<string | undefined> {
    this.requireConfigured(caller);
    const account = this.config.onec.exchange.account!;
    const credentials = parseBasic(caller.authorization);
    if (!credentials) {
      if (!required) {
        return undefined;
      }
      this.refuse(caller, 'no_credentials', 'checkauth without HTTP Basic credentials');
      throw new ExchangeFailure('AUTH_FAILED', 'HTTP Basic credentials are required on mode=checkauth');
    }
    await this.checkNotLockedOut(caller);
    const loginMatched = safeEqual(credentials.login, account.login);
    if (!loginMatched || !safeEqual(credentials.password, account.password)) {
      await this.countFailure(caller);
      this.refuse(caller, 'bad_credentials', 'wrong exchange login or password', { loginMatched });
      throw new ExchangeFailure('AUTH_FAILED', 'Wrong exchange login or password');
    }
    await this.redis.del(this.failureKey(caller)).catch(() => undefined);
    return account.login;
  }

  private async checkNotLockedOut(caller: ExchangeCaller): Promise<void> {
    const failures = Number(await this.redis.get(this.failureKey(caller)).catch(() => null));
    if (failures >= this.config.onec.exchange.loginAttempts) {
      this.refuse(caller, 'locked_out', `${failures} failed logins from this address in 15 minutes`);
      throw new ExchangeFailure('TOO_MANY_LOGINS', 'Too many failed logins from this address; try again later');
    }
  }

  private async countFailure(caller: ExchangeCaller): Promise<void> {
    const key = this.failureKey(caller);
    // Shared by the API replicas; without Redis, failed logins are still refused and logged, just not counted.
    await this.redis
      .multi()
      .incr(key)
      .expire(key, LOGIN_WINDOW_SECONDS, 'NX')
      .exec()
      .catch((error: unknown) => this.logger.warn(`Cannot count a failed 1C login in Redis: ${String(error)}`));
  }

  private failureKey(caller: ExchangeCaller): string {
    return `${this.config.redis.keyPrefix}:onec:login-failures:${caller.remoteAddress ?? 'unknown'}`;
  }

  /** The security log line: who, from where, why; never the password, the cookie or the sessid. */
  private refuse(caller: ExchangeCaller, reason: string, detail: string, extra: Record<string, unknown> = {}): void {
    this.metrics.authFailures.inc({ reason });
    this.logger.warn(
      {
        security: 'onec_exchange_refused',
        reason,
        remoteAddress: caller.remoteAddress,
        userAgent: caller.userAgent?.slice(0, 200),
        ...extra,
      },
      `1C exchange request refused: ${detail}`,
    );
  }

  private markPrincipal(login: string): void {
    const state = RequestContext.current();
    if (state) {
      state.principal = { subject: `onec-exchange:${login}`, roles: ['1c'] };
    }
  }
}

export function hashCookie(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

function safeEqual(given: string, expected: string): boolean {
  // Hashing first gives equal lengths, so neither the length nor the content leaks through timing.
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function parseBasic(header: string | undefined): { login: string; password: string } | null {
  const match = header ? /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header) : null;
  if (!match) {
    return null;
  }
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : { login: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      return part.slice(eq + 1).trim();
    }
  }
  return undefined;
}
