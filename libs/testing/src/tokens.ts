import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { AppConfig, Role } from '@app/core';
import { sign, SignOptions } from 'jsonwebtoken';

export interface TestTokenClaims {
  readonly sub?: string;
  readonly roles?: readonly string[];
  readonly courierId?: string;
  readonly [claim: string]: unknown;
}

/**
 * Signs tokens for tests, including deliberately wrong ones (other issuer, expired, unknown role, other key). By
 * default it produces what the configured API accepts.
 */
export function signTestToken(
  config: AppConfig,
  claims: TestTokenClaims = {},
  options: { key?: string | KeyObject; algorithm?: SignOptions['algorithm']; signOptions?: SignOptions } = {},
): string {
  const { sub = 'test-user', roles = ['admin'], courierId, ...rest } = claims;
  const payload = { roles, ...(courierId ? { courier_id: courierId } : {}), ...rest };
  return sign(payload, options.key ?? config.jwt.secret!, {
    algorithm: options.algorithm ?? 'HS256',
    subject: sub,
    issuer: config.jwt.issuer,
    audience: config.jwt.audience,
    expiresIn: '10m',
    ...options.signOptions,
  });
}

export function tokenFor(config: AppConfig, role: Role, extra: TestTokenClaims = {}): string {
  return signTestToken(config, {
    sub: `${role}-subject`,
    roles: [role],
    ...(role === 'courier' ? { courierId: 'courier-1' } : {}),
    ...extra,
  });
}

export function generateRsaKeyPair(): { publicKeyPem: string; privateKey: KeyObject } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), privateKey };
}
