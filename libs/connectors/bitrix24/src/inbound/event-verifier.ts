import { createHash, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '@app/core';
import { Injectable } from '@nestjs/common';
import { Bitrix24Credentials } from '../client/credentials';
import type { EventAuth } from './event-payload';

export type Verdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * Authenticates an outbound event: its `auth[application_token]` must equal a configured token or an installed
 * application's, compared in constant time over every candidate; `auth[member_id]` and `auth[domain]` must match
 * the portal we are pinned to. There is no signature (protocol doc §1.3): the token is a shared secret.
 */
@Injectable()
export class EventVerifier {
  constructor(
    private readonly config: AppConfig,
    private readonly credentials: Bitrix24Credentials,
  ) {}

  async verify(auth: EventAuth): Promise<Verdict> {
    if (!auth.applicationToken) {
      return { ok: false, reason: 'missing application token' };
    }
    // The installed tokens as this replica last read them; before a refusal, as they are now (an install may have
    // happened on another replica a moment ago, and Bitrix24 never re-sends a refused event).
    const applicationToken = auth.applicationToken;
    const matched =
      this.match(applicationToken, await this.credentials.installedApplicationTokens()) ??
      this.match(applicationToken, await this.credentials.installedApplicationTokens({ fresh: true }));
    if (!matched) {
      return { ok: false, reason: 'unknown application token' };
    }
    const pinnedMember = matched.memberId ?? this.config.bitrix24.memberId;
    if (pinnedMember !== undefined && auth.memberId !== pinnedMember) {
      return { ok: false, reason: 'member_id is not the pinned portal' };
    }
    const portal = this.config.bitrix24.portal;
    if (portal !== undefined && auth.domain !== undefined && !sameHost(auth.domain, portal)) {
      return { ok: false, reason: 'domain is not the configured portal' };
    }
    return { ok: true };
  }

  private match(
    token: string,
    installed: readonly { token: string; memberId: string }[],
  ): { token: string; memberId?: string } | undefined {
    const candidates: { token: string; memberId?: string }[] = [
      ...this.config.bitrix24.applicationTokens.map((configured) => ({ token: configured })),
      ...installed,
    ];
    let matched: { token: string; memberId?: string } | undefined;
    for (const candidate of candidates) {
      // No early exit: the time taken does not tell how many candidates there are or which one matched.
      if (constantTimeEqual(candidate.token, token) && matched === undefined) {
        matched = candidate;
      }
    }
    return matched;
  }
}

/** Hashing first gives equal lengths, so timingSafeEqual never leaks the token's length either. */
export function constantTimeEqual(expected: string, actual: string): boolean {
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(actual).digest();
  return timingSafeEqual(a, b);
}

function sameHost(domain: string, portal: string): boolean {
  return domain.toLowerCase() === portal.toLowerCase() || domain.toLowerCase() === portal.toLowerCase().split(':')[0];
}
