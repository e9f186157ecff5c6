import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { RateLimitClass } from '../config/app-config';

/** Marks the operations the OpenAPI document declares no rate-limit 429 for (removed once read). */
export const NOT_RATE_LIMITED_EXTENSION = 'x-not-rate-limited';

export const RATE_LIMIT_CLASS = 'mastermobile:rate-limit-class';

/**
 * Counts a route against a budget of its own instead of reads (GET, HEAD) or writes (the other methods), the
 * classes a route without this decorator falls in.
 */
export const RateLimited = (budget: RateLimitClass): MethodDecorator & ClassDecorator =>
  SetMetadata(RATE_LIMIT_CLASS, budget);

/**
 * Leaves a route out of the per-subject limits: probes and scrapes (an orchestrator that gets 429 restarts or
 * pages), and receivers that authenticate and cap their callers themselves, such as Bitrix24's webhook, whose
 * authentic events must never be refused (the portal never sends one again).
 */
export const NotRateLimited = (): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(RATE_LIMIT_CLASS, false), ApiExtension(NOT_RATE_LIMITED_EXTENSION, true));
