import type { Principal } from './principal';

/** A courier's app sends the same token all shift long: this many distinct tokens cover every client at once. */
const CAPACITY = 2_048;
/**
 * The longest a verification is reused, whatever the token's own expiry: a key dropped from the JWKS stops being
 * honoured within this (jwks-rsa keeps keys for ten minutes anyway), and a token's claims are re-read as often.
 */
const MAX_REUSE_MS = 60_000;

interface Entry {
  readonly principal: Principal;
  readonly until: number;
}

/**
 * Principals of tokens that passed verification, keyed by the token string, so that a client's next request with the
 * same token skips the signature check and passport (a tenth of the courier's status door's CPU in bench:http).
 * Only successes are kept: a bad token is verified, and refused, every time. An entry lapses at the token's own
 * `exp` (the clock tolerance is left to the full check) or after {@link MAX_REUSE_MS}; the least recently used goes
 * first when full.
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly capacity = CAPACITY,
    private readonly now: () => number = Date.now,
  ) {}

  get(token: string): Principal | undefined {
    const entry = this.entries.get(token);
    if (!entry) {
      return undefined;
    }
    this.entries.delete(token);
    if (entry.until <= this.now()) {
      return undefined;
    }
    this.entries.set(token, entry);
    return entry.principal;
  }

  /** Keeps `principal` for `token`, verified just now, until the `exp` its payload names. */
  remember(token: string, principal: Principal): void {
    const expiresAt = expiryOf(token);
    if (expiresAt === undefined) {
      return;
    }
    const until = Math.min(expiresAt, this.now() + MAX_REUSE_MS);
    if (until <= this.now()) {
      return;
    }
    this.entries.delete(token);
    if (this.entries.size >= this.capacity) {
      this.entries.delete(this.entries.keys().next().value!);
    }
    // Frozen: one object now stands for every request with this token.
    const kept: Principal = Object.freeze({ ...principal, roles: Object.freeze([...principal.roles]) });
    this.entries.set(token, { principal: kept, until });
  }
}

/** The `exp` of a token already verified (its payload is then trusted), in ms; undefined if it has none. */
function expiryOf(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) {
    return undefined;
  }
  try {
    const exp = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown }).exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
