import { sign } from 'jsonwebtoken';
import type { AppConfig } from '../config/app-config';
import { Role } from './principal';

export interface DevelopmentTokenRequest {
  readonly subject: string;
  readonly roles: readonly Role[];
  readonly courierId?: string;
  /** e.g. `15m`, `1h`, or seconds. */
  readonly ttl?: string | number;
}

/**
 * Signs an HS256 token with the configured secret, for integrators trying the API in Swagger UI and for tests.
 * Refuses when the API verifies with a public key or JWKS: those tokens come from a real identity provider.
 */
export function mintDevelopmentToken(config: AppConfig, request: DevelopmentTokenRequest): string {
  if (!config.jwt.secret) {
    throw new Error(
      'Token minting needs JWT_SECRET (HS256); this deployment verifies tokens with a public key or JWKS',
    );
  }
  return sign(
    { roles: request.roles, ...(request.courierId ? { courier_id: request.courierId } : {}) },
    config.jwt.secret,
    {
      algorithm: 'HS256',
      subject: request.subject,
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
      expiresIn: (request.ttl ?? '1h') as `${number}h`,
    },
  );
}
