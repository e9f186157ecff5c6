import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { ExtractJwt } from 'passport-jwt';
import { RequestContext } from '../context/request-context';
import { AppError } from '../errors/app-error';
import { PUBLIC_ROUTE, REQUIRED_ROLES } from './auth.decorators';
import { Principal, Role } from './principal';
import { VerifiedTokens } from './verified-tokens';

/** The extractor JwtStrategy reads the token with: the cache must key on exactly what was verified. */
const bearerToken = ExtractJwt.fromAuthHeaderAsBearerToken();

function describeFailure(info: unknown): string {
  const name = (info as { name?: string } | undefined)?.name;
  const message = (info as { message?: string } | undefined)?.message ?? '';
  if (name === 'TokenExpiredError') {
    return 'The token has expired.';
  }
  if (name === 'NotBeforeError') {
    return 'The token is not valid yet.';
  }
  if (/no auth token/i.test(message)) {
    return 'A bearer token is required.';
  }
  return 'The token is invalid.';
}

/**
 * Deny by default: a route is reachable only when it is marked public, or when the caller presents a valid token
 * AND the route names a role the token holds. Missing or bad credentials answer 401; a valid token without the
 * role answers 403.
 */
@Injectable()
export class AccessGuard extends AuthGuard('jwt') {
  private readonly verified = new VerifiedTokens();

  constructor(private readonly reflector: Reflector) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) {
      return true;
    }
    const request = context.switchToHttp().getRequest<FastifyRequest & { user: Principal }>();
    const token = bearerToken(request);
    const known = token ? this.verified.get(token) : undefined;
    if (known) {
      request.user = known;
    } else {
      await super.canActivate(context);
      if (token) {
        this.verified.remember(token, request.user);
      }
    }
    const principal = request.user;
    const required = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets) ?? [];
    if (!required.some((role) => principal.roles.includes(role))) {
      throw new AppError('FORBIDDEN', 'forbidden', 'Forbidden', {
        detail: required.length ? `This operation requires one of the roles: ${required.join(', ')}.` : undefined,
      });
    }
    const state = RequestContext.current();
    if (state) {
      state.principal = { subject: principal.subject, roles: principal.roles };
    }
    return true;
  }

  override handleRequest<TUser = Principal>(error: unknown, user: TUser | false, info: unknown): TUser {
    if (error instanceof AppError) {
      throw error;
    }
    if (error || !user) {
      throw new AppError('UNAUTHENTICATED', 'unauthenticated', 'Authentication failed', {
        detail: describeFailure(info ?? error),
      });
    }
    return user;
  }
}
