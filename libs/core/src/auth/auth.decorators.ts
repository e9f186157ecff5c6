import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Principal, Role } from './principal';

export const PUBLIC_ROUTE = 'mastermobile:public';
export const REQUIRED_ROLES = 'mastermobile:roles';

/** Marks a route that needs no bearer token (probes, metrics, docs, webhooks that authenticate themselves). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);

/** Any one of the listed roles grants access. Every non-public route must declare its roles. */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(REQUIRED_ROLES, roles);

export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  return context.switchToHttp().getRequest<FastifyRequest & { user: Principal }>().user;
});
