import type { Principal } from './principal';
import { VerifiedTokens } from './verified-tokens';

const courier: Principal = { subject: 'courier-1', roles: ['courier'], courierId: 'c-1' };

/** A token's shape with the payload it names; the signature is not this cache's business (it keeps verified ones). */
function token(payload: Record<string, unknown>, tag = 'x'): string {
  return `e30.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${tag}`;
}

describe('VerifiedTokens', () => {
  let now: number;
  const cache = (capacity?: number) => new VerifiedTokens(capacity, () => now);

  beforeEach(() => {
    now = 1_800_000_000_000;
  });

  it('answers a remembered token with its principal until the token expires', () => {
    const tokens = cache();
    const exp = now / 1000 + 30;
    tokens.remember(token({ exp }), courier);
    expect(tokens.get(token({ exp }))).toEqual(courier);
    now += 29_999;
    expect(tokens.get(token({ exp }))).toEqual(courier);
    now += 1;
    expect(tokens.get(token({ exp }))).toBeUndefined();
  });

  it('re-verifies a long-lived token at least every minute', () => {
    const tokens = cache();
    const long = token({ exp: now / 1000 + 3600 });
    tokens.remember(long, courier);
    now += 59_999;
    expect(tokens.get(long)).toEqual(courier);
    now += 1;
    expect(tokens.get(long)).toBeUndefined();
  });

  it('keeps nothing for a token without exp, an expired one, or a payload it cannot read', () => {
    const tokens = cache();
    for (const unusable of [token({}), token({ exp: now / 1000 - 1 }), token({ exp: 'soon' }), 'a.%%%.b', 'opaque']) {
      tokens.remember(unusable, courier);
      expect(tokens.get(unusable)).toBeUndefined();
    }
  });

  it('drops the least recently used token when full', () => {
    const tokens = cache(2);
    const [a, b, c] = ['a', 'b', 'c'].map((tag) => token({ exp: now / 1000 + 600 }, tag));
    tokens.remember(a, courier);
    tokens.remember(b, courier);
    tokens.get(a);
    tokens.remember(c, courier);
    expect(tokens.get(a)).toEqual(courier);
    expect(tokens.get(b)).toBeUndefined();
    expect(tokens.get(c)).toEqual(courier);
  });

  it('hands out a frozen copy, so one request cannot change what the next one sees', () => {
    const tokens = cache();
    const roles = ['courier'] as Principal['roles'];
    tokens.remember(token({ exp: now / 1000 + 600 }), { ...courier, roles });
    (roles as string[]).push('admin');
    const kept = tokens.get(token({ exp: now / 1000 + 600 }))!;
    expect(kept.roles).toEqual(['courier']);
    expect(Object.isFrozen(kept) && Object.isFrozen(kept.roles)).toBe(true);
  });
});
