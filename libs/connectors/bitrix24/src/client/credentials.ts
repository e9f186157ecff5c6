import { AppConfig, IntegrationLogService, UnitOfWork } from '@app/core';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Bitrix24Error, classifyRestError, errorFields } from './bitrix24-error';
import { Bitrix24OAuthInstallationEntity, type OAuthInstallationStatus } from './oauth-token.entity';

/** Where a call goes and which credential it carries. */
export interface PreparedCall {
  readonly url: string;
  /** OAuth: sent as the `auth` parameter. */
  readonly auth?: string;
}

/** Facts about an installation that are safe to show (no tokens). */
export interface InstallationSummary {
  readonly memberId: string;
  readonly domain: string;
  readonly status: string;
  readonly expiresAt: string;
  readonly installedAt: string;
  readonly refreshedAt: string | null;
  readonly refreshCount: number;
}

export interface InstallPayload {
  readonly memberId: string;
  readonly domain: string;
  readonly serverEndpoint: string;
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly applicationToken: string;
  readonly expiresInSeconds: number;
  readonly scope: string;
}

/** What a verified install did: a first install, a re-install over the same portal's row, or nothing. */
export type InstallOutcome =
  | { readonly kind: 'installed' }
  | {
      readonly kind: 'reinstalled';
      readonly previous: { readonly status: OAuthInstallationStatus; readonly installedAt: Date };
    }
  | { readonly kind: 'refused'; readonly reason: string };

const REFRESH_TIMEOUT_MS = 15_000;

/** How long a replica goes on with the application tokens it read (see installedApplicationTokens). */
export const APPLICATION_TOKENS_FRESH_MS = 5_000;

export interface InstalledToken {
  readonly token: string;
  readonly memberId: string;
}

/**
 * The credential of REST calls: the incoming-webhook URL, or the OAuth local application's tokens stored in
 * PostgreSQL. On `expired_token` the client asks for a refresh: concurrent callers of this process share one, and
 * replicas serialise on the installation row (`SELECT … FOR UPDATE`), so a refresh token is never spent twice; the
 * one that holds the lock and still sees the expired token refreshes, the others pick the new token up.
 */
@Injectable()
export class Bitrix24Credentials {
  private readonly logger = new Logger(Bitrix24Credentials.name);
  private refreshing?: Promise<void>;
  private tokens?: { readonly readAt: number; readonly list: Promise<readonly InstalledToken[]> };

  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly log: IntegrationLogService,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  private get repository() {
    return this.dataSource.getRepository(Bitrix24OAuthInstallationEntity);
  }

  async prepare(method: string): Promise<PreparedCall> {
    const { authMode, webhookUrl, oauth } = this.config.bitrix24;
    switch (authMode) {
      case 'webhook':
        return { url: new URL(encodeURIComponent(method), withSlash(webhookUrl!)).toString() };
      case 'oauth': {
        const installation = await this.activeInstallation();
        if (!installation) {
          throw new Bitrix24Error('auth', 'BITRIX24_NOT_INSTALLED', 'The local application is not installed yet', {
            method,
            outcome: 'not_sent',
          });
        }
        // The configured portal, never an endpoint from an event or install payload (SSRF).
        return {
          url: new URL(`rest/${encodeURIComponent(method)}`, withSlash(oauth!.portalUrl)).toString(),
          auth: installation.accessToken,
        };
      }
      case 'unconfigured':
        throw new Bitrix24Error('unavailable', 'BITRIX24_UNCONFIGURED', 'Bitrix24 is not configured', {
          method,
          outcome: 'not_sent',
          retryAt: new Date(Date.now() + 60_000),
        });
    }
  }

  activeInstallation(): Promise<Bitrix24OAuthInstallationEntity | null> {
    return this.repository.findOne({ where: { status: 'active' }, order: { installedAt: 'DESC' } });
  }

  async installations(): Promise<InstallationSummary[]> {
    const rows = await this.repository.find({ order: { installedAt: 'DESC' } });
    return rows.map((row) => ({
      memberId: row.memberId,
      domain: row.domain,
      status: row.status,
      expiresAt: row.expiresAt.toISOString(),
      installedAt: row.installedAt.toISOString(),
      refreshedAt: row.refreshedAt?.toISOString() ?? null,
      refreshCount: row.refreshCount,
    }));
  }

  /**
   * Application tokens of active installations: outbound events of the app carry one of them. Read at most once per
   * {@link APPLICATION_TOKENS_FRESH_MS}, not per event: a bulk change in the portal fires hundreds of events a second,
   * and this read was one of a webhook's five round trips. `fresh` reads them now (the verifier does before it refuses
   * a token, so an install on another replica counts at once); this process's own install and uninstall drop the
   * copy, another replica's uninstall or lost refresh is seen within that time.
   */
  installedApplicationTokens(options: { fresh?: boolean } = {}): Promise<readonly InstalledToken[]> {
    if (this.config.bitrix24.authMode !== 'oauth') {
      return Promise.resolve([]);
    }
    const now = Date.now();
    if (options.fresh || !this.tokens || now - this.tokens.readAt >= APPLICATION_TOKENS_FRESH_MS) {
      const list = this.repository
        .find({ where: { status: 'active' } })
        .then((rows) => rows.map((row) => ({ token: row.applicationToken, memberId: row.memberId })));
      const tokens = { readAt: now, list };
      this.tokens = tokens;
      // A failed read is not kept: the next event reads again.
      list.catch(() => {
        if (this.tokens === tokens) {
          this.tokens = undefined;
        }
      });
    }
    return this.tokens.list;
  }

  /**
   * Stores the tokens of a verified install, pinned to the portal of the first one: while an installation row exists,
   * only the same member id and domain may replace its tokens (a re-install); anything else is refused and changes
   * nothing. Runs in the caller's unit of work, so an audit row commits with it; the table lock makes concurrent
   * installs take turns, so two first installs cannot both pass the check.
   */
  async install(payload: InstallPayload): Promise<InstallOutcome> {
    const outcome = await this.unitOfWork.run(async (manager): Promise<InstallOutcome> => {
      await manager.query('LOCK TABLE bitrix24_oauth_installations IN SHARE ROW EXCLUSIVE MODE');
      const repository = manager.getRepository(Bitrix24OAuthInstallationEntity);
      const existing = await repository.find();
      if (existing.some((row) => row.memberId !== payload.memberId)) {
        return { kind: 'refused', reason: 'member_id is not the installed portal' };
      }
      // The member id is the key: at most the row this install would replace is left.
      const [previous] = existing;
      if (previous && previous.domain.toLowerCase() !== payload.domain.toLowerCase()) {
        return { kind: 'refused', reason: 'domain is not the installed portal' };
      }
      await repository.upsert(
        {
          memberId: payload.memberId,
          domain: payload.domain,
          serverEndpoint: payload.serverEndpoint,
          accessToken: payload.accessToken,
          refreshToken: payload.refreshToken,
          applicationToken: payload.applicationToken,
          expiresAt: new Date(Date.now() + payload.expiresInSeconds * 1000),
          scope: payload.scope,
          status: 'active',
          installedAt: new Date(),
          refreshedAt: null,
          refreshCount: 0,
        },
        ['memberId'],
      );
      return previous
        ? { kind: 'reinstalled', previous: { status: previous.status, installedAt: previous.installedAt } }
        : { kind: 'installed' };
    });
    this.tokens = undefined;
    return outcome;
  }

  async uninstall(memberId: string): Promise<void> {
    await this.repository.update({ memberId }, { status: 'revoked' });
    this.tokens = undefined;
  }

  /** Makes sure the token `expiredToken` is replaced; coalesced in-process and serialised across replicas. */
  async refreshAfterExpiry(expiredToken: string | undefined): Promise<void> {
    if (this.config.bitrix24.authMode !== 'oauth' || expiredToken === undefined) {
      throw new Bitrix24Error('auth', 'BITRIX24_EXPIRED_TOKEN', 'The webhook credential was refused', {
        outcome: 'rejected',
      });
    }
    this.refreshing ??= this.refreshOnce(expiredToken).finally(() => (this.refreshing = undefined));
    await this.refreshing;
  }

  private async refreshOnce(expiredToken: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const row = await manager
        .getRepository(Bitrix24OAuthInstallationEntity)
        .createQueryBuilder('installation')
        .setLock('pessimistic_write')
        .where('installation.status = :status', { status: 'active' })
        .orderBy('installation.installed_at', 'DESC')
        .getOne();
      if (!row) {
        throw new Bitrix24Error('auth', 'BITRIX24_NOT_INSTALLED', 'The local application is not installed', {
          outcome: 'not_sent',
        });
      }
      if (row.accessToken !== expiredToken) {
        return; // Another caller or replica refreshed while we waited for the lock.
      }
      const fresh = await this.requestRefresh(row);
      if (!fresh.ok) {
        if (fresh.error.code === 'BITRIX24_INVALID_GRANT' || fresh.error.code === 'BITRIX24_WRONG_CLIENT') {
          row.status = 'reauthorize';
          await manager.save(row);
          this.tokens = undefined;
          this.logger.error(`Bitrix24 refresh refused (${fresh.error.code}): the application must be re-installed`);
        }
        throw fresh.error;
      }
      row.accessToken = fresh.accessToken;
      // Rotated on every refresh: the previous one is spent, so losing this write would lock us out.
      row.refreshToken = fresh.refreshToken;
      row.expiresAt = new Date(Date.now() + fresh.expiresInSeconds * 1000);
      row.refreshedAt = new Date();
      row.refreshCount += 1;
      await manager.save(row);
    });
  }

  private async requestRefresh(
    row: Bitrix24OAuthInstallationEntity,
  ): Promise<
    | { ok: true; accessToken: string; refreshToken: string; expiresInSeconds: number }
    | { ok: false; error: Bitrix24Error }
  > {
    const { oauth } = this.config.bitrix24;
    const tokenUrl = oauthTokenUrl(row.serverEndpoint, oauth!.oauthServerHosts);
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: oauth!.clientId,
      client_secret: oauth!.clientSecret,
      refresh_token: row.refreshToken,
    });
    const started = Date.now();
    let status = 0;
    let body: unknown;
    try {
      // A form POST keeps the client secret and refresh token out of URLs and proxy logs (protocol doc §1.2).
      const response = await fetch(tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
        signal: AbortSignal.timeout(REFRESH_TIMEOUT_MS),
      });
      status = response.status;
      body = await response.json().catch(() => undefined);
    } catch (error) {
      return {
        ok: false,
        error: new Bitrix24Error('transient', 'BITRIX24_OAUTH_UNREACHABLE', 'The OAuth server did not answer', {
          outcome: 'unknown',
          cause: error,
        }),
      };
    } finally {
      void this.log.record({
        direction: 'outbound',
        system: 'bitrix24',
        operation: 'oauth.refresh',
        outcome: status === 200 ? 'success' : 'failure',
        httpMethod: 'POST',
        url: tokenUrl,
        httpStatus: status || undefined,
        durationMs: Date.now() - started,
        // Only the shape: the answer carries the new tokens.
        responseBody: body && typeof body === 'object' ? Object.keys(body) : undefined,
      });
    }
    const token = body as { access_token?: unknown; refresh_token?: unknown; expires_in?: unknown } | undefined;
    if (status === 200 && typeof token?.access_token === 'string' && typeof token.refresh_token === 'string') {
      return {
        ok: true,
        accessToken: token.access_token,
        refreshToken: token.refresh_token,
        expiresInSeconds: Number(token.expires_in) || 3600,
      };
    }
    const fields = errorFields(body);
    return { ok: false, error: classifyRestError(status, fields?.code, fields?.description ?? 'refresh failed') };
  }
}

/** `server_endpoint` `https://oauth.bitrix.info/rest/` → `https://oauth.bitrix.info/oauth/token/`, allowlisted hosts only. */
export function oauthTokenUrl(serverEndpoint: string, allowedHosts: readonly string[]): string {
  const url = new URL('/oauth/token/', serverEndpoint);
  if (!allowedHosts.includes(url.host) && !allowedHosts.includes(url.hostname)) {
    throw new Bitrix24Error('auth', 'BITRIX24_OAUTH_HOST_REFUSED', `OAuth server ${url.host} is not allowlisted`, {
      outcome: 'not_sent',
    });
  }
  return url.toString();
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
