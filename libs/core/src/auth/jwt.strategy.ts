import { createPublicKey, createSecretKey } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { passportJwtSecret } from 'jwks-rsa';
import { ExtractJwt, Strategy, StrategyOptionsWithoutRequest } from 'passport-jwt';
import { AppConfig } from '../config/app-config';
import { AppError } from '../errors/app-error';
import { isRole, Principal } from './principal';

interface AccessTokenClaims {
  sub?: unknown;
  exp?: unknown;
  roles?: unknown;
  courier_id?: unknown;
}

function invalidToken(detail: string): AppError {
  return new AppError('INVALID_TOKEN', 'unauthenticated', 'Authentication failed', { detail });
}

/**
 * Verifies bearer tokens with one pinned verification source and algorithm list (never the token's own `alg`), the
 * configured issuer and audience, and a bounded clock tolerance; then turns the claims into a {@link Principal}.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(config: AppConfig) {
    const { jwt } = config;
    const common = {
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      algorithms: [...jwt.algorithms],
      issuer: jwt.issuer,
      audience: jwt.audience,
      ignoreExpiration: false,
      jsonWebTokenOptions: { clockTolerance: jwt.clockToleranceSeconds },
    };
    const options: StrategyOptionsWithoutRequest = jwt.jwksUrl
      ? {
          ...common,
          secretOrKeyProvider: passportJwtSecret({
            jwksUri: jwt.jwksUrl,
            cache: true,
            cacheMaxAge: 10 * 60_000,
            rateLimit: true,
            jwksRequestsPerMinute: 10,
          }),
        }
      : {
          ...common,
          // Built once: given a string, jsonwebtoken builds the key object on every request (for a secret, only
          // after createPublicKey has thrown on it), which was 3 % of the API's CPU on the courier's status door.
          // passport-jwt's type says string | Buffer; it hands the value to jsonwebtoken, which takes a KeyObject.
          secretOrKey: (jwt.publicKey
            ? createPublicKey(jwt.publicKey)
            : createSecretKey(Buffer.from(jwt.secret!))) as unknown as string,
        };
    super(options);
  }

  validate(claims: AccessTokenClaims): Principal {
    // jsonwebtoken only checks `exp` when present; a token that never expires is not an access token.
    if (typeof claims.exp !== 'number') {
      throw invalidToken('The token has no expiry (exp).');
    }
    if (typeof claims.sub !== 'string' || claims.sub.length === 0) {
      throw invalidToken('The token has no subject (sub).');
    }
    const roles = Array.isArray(claims.roles) ? (claims.roles as unknown[]) : [];
    if (roles.length === 0 || !roles.every(isRole)) {
      throw invalidToken('The token carries no role or an unknown role.');
    }
    if (roles.includes('courier')) {
      if (typeof claims.courier_id !== 'string' || claims.courier_id.length === 0) {
        throw invalidToken('A courier token must carry a courier_id.');
      }
      return { subject: claims.sub, roles, courierId: claims.courier_id };
    }
    return { subject: claims.sub, roles };
  }
}
