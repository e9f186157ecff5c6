import type { Rng } from './faults';
import type { Clock, OAuthOptions } from './types';

/** `clientId`: the application the token was issued to; `app.info` answers with that application's CODE. */
export type TokenCheck = { ok: true; userId: number; clientId: string } | { ok: false; reason: 'expired' | 'invalid' };

export interface TokenResponse {
  access_token: string;
  client_endpoint: string;
  domain: string;
  expires: number;
  expires_in: number;
  member_id: string;
  refresh_token: string;
  scope: string;
  server_endpoint: string;
  status: string;
  user_id: number;
}

export type TokenAnswer =
  { status: 200; body: TokenResponse } | { status: 400; body: { error: string; error_description?: string } };

/**
 * The app's OAuth side: access tokens with a TTL and a single live refresh token that rotates on every refresh,
 * so a reused refresh token is `invalid_grant` (protocol doc §1.2, b24jssdk#182).
 */
export class OAuthServer {
  private readonly accessTokens = new Map<string, { expiresAt: number; userId: number; clientId: string }>();
  private liveRefreshToken: string;
  private current: string;
  refreshes = 0;

  constructor(
    readonly options: OAuthOptions,
    private readonly endpoints: { clientEndpoint: string; serverEndpoint: string; memberId: string },
    private readonly clock: Clock,
    private readonly rng: Rng,
  ) {
    this.current = this.issueAccessToken(options.userId).token;
    this.liveRefreshToken = rng.string(32);
  }

  get accessToken(): string {
    return this.current;
  }

  get refreshToken(): string {
    return this.liveRefreshToken;
  }

  /**
   * A new access token for `userId`, also how event deliveries get the tokens they carry. Another application
   * installed on the same portal (`clientId`) gets tokens from the same portal, valid for REST calls alike.
   */
  issueAccessToken(userId: number, clientId = this.options.clientId): { token: string; expiresAtSec: number } {
    const token = this.rng.string(32);
    const expiresAt = this.clock() + this.options.accessTokenTtlSec * 1000;
    this.accessTokens.set(token, { expiresAt, userId, clientId });
    return { token, expiresAtSec: Math.floor(expiresAt / 1000) };
  }

  check(token: string): TokenCheck {
    const known = this.accessTokens.get(token);
    if (!known) {
      return { ok: false, reason: 'invalid' };
    }
    return known.expiresAt > this.clock()
      ? { ok: true, userId: known.userId, clientId: known.clientId }
      : { ok: false, reason: 'expired' };
  }

  expireAll(): void {
    const now = this.clock();
    for (const entry of this.accessTokens.values()) {
      entry.expiresAt = Math.min(entry.expiresAt, now);
    }
  }

  refresh(params: Record<string, unknown>): TokenAnswer {
    if (params.grant_type !== 'refresh_token') {
      return { status: 400, body: { error: 'invalid_request', error_description: 'Unsupported grant_type' } };
    }
    if (params.client_id !== this.options.clientId || params.client_secret !== this.options.clientSecret) {
      // The recorded answer for bad client credentials carries no description (b24phpsdk ApiLevelErrorHandlerTest).
      return { status: 400, body: { error: 'wrong_client' } };
    }
    if (typeof params.refresh_token !== 'string' || params.refresh_token !== this.liveRefreshToken) {
      return { status: 400, body: { error: 'invalid_grant', error_description: 'Invalid refresh token' } };
    }
    this.refreshes += 1;
    const { token, expiresAtSec } = this.issueAccessToken(this.options.userId);
    this.current = token;
    this.liveRefreshToken = this.rng.string(32);
    // Field order of the documented answer (protocol doc §1.2).
    const body: TokenResponse = {
      access_token: token,
      client_endpoint: this.endpoints.clientEndpoint,
      domain: this.options.serverDomain,
      expires: expiresAtSec,
      expires_in: this.options.accessTokenTtlSec,
      member_id: this.endpoints.memberId,
      refresh_token: this.liveRefreshToken,
      scope: this.options.scope,
      server_endpoint: this.endpoints.serverEndpoint,
      status: this.options.status,
      user_id: this.options.userId,
    };
    return { status: 200, body };
  }
}
