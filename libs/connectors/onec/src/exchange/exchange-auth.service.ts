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

/**
 * Whose failed logins a counter holds: the exchange account's login, or every other login together (there is one
 * account, so a wrong login can never succeed, and counting each one apart would let a caller fill Redis).
 */
type LoginBucket = 'account' | 'other';

/** Failed logins in the current window: per bucket from the caller's source, and per bucket from all sources. */
type LoginFailures = Record<LoginBucket, { fromSource: number; fromAll: number }>;

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
 * cookie, or Basic again with the session's `sessid` where a FastCGI proxy dropped the cookie (1C keeps sending
 * Basic). Refusals answer `failure` and leave a security log line without secrets.
 *
 * Failed logins are counted per login and source, and per login from all sources, in 15-minute windows. A login
 * over either limit is refused without its password being checked, so a guesser gets no answer until the window
 * passes. The real 1C behind the same ingress address as a guesser of other logins still gets in; only failures
 * of its own login lock it out.
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
      // Basic alone names no session: another exchange of the same account may be running.
      if (caller.sessid === undefined) {
        throw new ExchangeFailure('AUTH_REQUIRED', 'Without the session cookie, send the sessid of mode=checkauth');
      }
      session = await this.store.findLiveBySessid(login, type, caller.sessid);
      if (!session) {
        throw new ExchangeFailure('AUTH_REQUIRED', 'No live exchange session with this sessid: call mode=checkauth');
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
    // Both are compared every time: skipping the password when the login is wrong would reveal the login by timing.
    const loginMatched = safeEqual(credentials.login, account.login);
    const passwordMatched = safeEqual(credentials.password, account.password);
    const bucket: LoginBucket = loginMatched ? 'account' : 'other';
    const failures = await this.loginFailures(caller);
    if (this.isLocked(failures[bucket])) {
      this.refuse(caller, 'locked_out', 'too many failed logins for this login in 15 minutes', { loginMatched });
      throw tooManyLogins();
    }
    if (!loginMatched || !passwordMatched) {
      await this.countFailure(caller, bucket);
      this.refuse(caller, 'bad_credentials', 'wrong exchange login or password', { loginMatched });
      // While any login is locked, every failure answers alike, or the answer would tell which login is the real one.
      if (this.isLocked(failures.account) || this.isLocked(failures.other)) {
        throw tooManyLogins();
      }
      throw new ExchangeFailure('AUTH_FAILED', 'Wrong exchange login or password');
    }
    // A success clears nothing: a guesser behind the same address as 1C would get a fresh allowance at each login.
    return account.login;
  }

  private isLocked(failures: { fromSource: number; fromAll: number }): boolean {
    const { loginAttempts, loginAttemptsTotal } = this.config.onec.exchange;
    return failures.fromSource >= loginAttempts || failures.fromAll >= loginAttemptsTotal;
  }

  private async loginFailures(caller: ExchangeCaller): Promise<LoginFailures> {
    // Without Redis, failed logins are still refused and logged, just not counted.
    const counts = await this.redis
      .mget(
        this.failureKey('account', caller),
        this.failureKey('account'),
        this.failureKey('other', caller),
        this.failureKey('other'),
      )
      .catch(() => []);
    const [accountFromSource, accountFromAll, otherFromSource, otherFromAll] = [0, 1, 2, 3].map((index) =>
      Number(counts[index] ?? 0),
    );
    return {
      account: { fromSource: accountFromSource, fromAll: accountFromAll },
      other: { fromSource: otherFromSource, fromAll: otherFromAll },
    };
  }

  private async countFailure(caller: ExchangeCaller, bucket: LoginBucket): Promise<void> {
    const fromSource = this.failureKey(bucket, caller);
    const fromAll = this.failureKey(bucket);
    // Fixed windows from the first failure: refused attempts are not counted, so a lock ends when its window does.
    await this.redis
      .multi()
      .incr(fromSource)
      .expire(fromSource, LOGIN_WINDOW_SECONDS, 'NX')
      .incr(fromAll)
      .expire(fromAll, LOGIN_WINDOW_SECONDS, 'NX')
      .exec()
      .catch((error: unknown) => this.logger.warn(`Cannot count a failed 1C login in Redis: ${String(error)}`));
  }

  /** `<prefix>:onec:login-failures:<bucket>` (all sources) or `…:<bucket>:<address>` (one source). */
  private failureKey(bucket: LoginBucket, caller?: ExchangeCaller): string {
    const key = `${this.config.redis.keyPrefix}:onec:login-failures:${bucket}`;
    return caller ? `${key}:${caller.remoteAddress ?? 'unknown'}` : key;
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

function tooManyLogins(): ExchangeFailure {
  return new ExchangeFailure('TOO_MANY_LOGINS', 'Too many failed logins; try again later');
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
