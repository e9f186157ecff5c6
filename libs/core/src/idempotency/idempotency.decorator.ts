import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import { ApiConflictResponse, ApiHeader, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { IDEMPOTENT_STORED_BODY_LIMIT, IdempotencyInterceptor } from './idempotency.interceptor';

export interface IdempotentOptions {
  /**
   * The largest response this route stores for replay, when above IDEMPOTENCY_MAX_STORED_BODY_BYTES: a bulk route's
   * answer grows with its batch (one result per item), so it sizes its own bound.
   */
  readonly maxStoredBodyBytes?: number;
}

/**
 * Every state-changing business endpoint carries this: a required Idempotency-Key, replay of the first outcome
 * for 24 h, 422 on a key reused on another resource or with another body, 409 while the first request is still running.
 */
export function Idempotent(options: IdempotentOptions = {}): MethodDecorator {
  return applyDecorators(
    UseInterceptors(IdempotencyInterceptor),
    SetMetadata(IDEMPOTENT_STORED_BODY_LIMIT, options.maxStoredBodyBytes),
    ApiHeader({
      name: 'Idempotency-Key',
      required: true,
      description:
        'Unique per logical operation (a UUID is recommended), 1-255 printable ASCII characters. A retry with the ' +
        'same key, path, query and body replays the first response with `Idempotent-Replayed: true`; keys are kept 24 hours.',
      schema: { type: 'string', maxLength: 255 },
    }),
    ApiConflictResponse({ description: 'A request with this key is still in progress; retry after `Retry-After`.' }),
    ApiUnprocessableEntityResponse({
      description: 'The key was already used with a different request: another resource (path), query or body.',
    }),
  );
}
