import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import type { AppConfig } from '../config/app-config';

/** Route config key carrying the route's body limit, as a function of the configuration. */
const BODY_LIMIT = 'mastermobileBodyLimit';

export type BodyLimitOf = (config: AppConfig) => number;

/**
 * This route's own body limit in bytes, in place of HTTP_BODY_LIMIT_BYTES. The body parser enforces it on the bytes
 * it reads, chunked bodies included, and answers 413 before the handler runs. Like Nest's `RouteConfig`, which it
 * uses, it cannot be combined with another route-config decorator (`RawBodyStream`) on the same handler.
 */
export const BodyLimit = (limitOf: BodyLimitOf): MethodDecorator => RouteConfig({ [BODY_LIMIT]: limitOf });

/** Turns `@BodyLimit` into Fastify's route-level `bodyLimit` as each route is registered. */
export function installRouteBodyLimits(fastify: FastifyInstance, config: AppConfig): void {
  fastify.addHook('onRoute', (route) => {
    const limitOf = (route.config as Record<string, unknown> | undefined)?.[BODY_LIMIT];
    if (typeof limitOf === 'function') {
      route.bodyLimit = (limitOf as BodyLimitOf)(config);
    }
  });
}
