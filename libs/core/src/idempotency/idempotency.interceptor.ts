import { CallHandler, ExecutionContext, HttpStatus, Injectable, NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, Observable } from 'rxjs';
import { principalKey, type Principal } from '../auth/principal';
import { RequestContext } from '../context/request-context';
import { AppError } from '../errors/app-error';
import { chooseStatus } from '../http/chosen-status';
import { PROBLEM_CONTENT_TYPE, toProblem } from '../errors/problem';
import { canonicalJson, sha256Hex } from './canonical-json';
import { ExecutionOutcome, IdempotencyService, StoredResponse } from './idempotency.service';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
export const IDEMPOTENT_REPLAYED_HEADER = 'idempotent-replayed';
/** Metadata key of `@Idempotent({ maxStoredBodyBytes })`. */
export const IDEMPOTENT_STORED_BODY_LIMIT = 'mastermobile:idempotent-stored-body-limit';

/** Printable ASCII, as the IETF draft and Stripe allow; UUIDs are recommended to clients. */
const VALID_KEY = /^[\x21-\x7e]{1,255}$/;
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * Applies Idempotency-Key semantics to a route: the handler runs inside the idempotency transaction, and its
 * response is serialised here once, stored, and sent; a replay sends the stored bytes with the stored status.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly idempotency: IdempotencyService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: Principal }>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const key = readKey(request.headers[IDEMPOTENCY_KEY_HEADER]);
    const scope = {
      principal: request.user ? principalKey(request.user) : 'anonymous',
      method: request.method,
      route: request.routeOptions.url ?? request.url.split('?')[0],
      key,
    };
    const successStatus =
      (Reflect.getMetadata(HTTP_CODE_METADATA, context.getHandler()) as number | undefined) ??
      (request.method === 'POST' ? HttpStatus.CREATED : HttpStatus.OK);
    const instance = request.url.split('?')[0];
    const maxStoredBodyBytes = Reflect.getMetadata(IDEMPOTENT_STORED_BODY_LIMIT, context.getHandler()) as
      number | undefined;

    const operation = async (): Promise<ExecutionOutcome> => {
      try {
        const result: unknown = await lastValueFrom(next.handle(), { defaultValue: undefined });
        const headers: Record<string, string> = { 'content-type': JSON_CONTENT_TYPE };
        const location = reply.getHeader('location');
        if (typeof location === 'string') {
          headers.location = location;
        }
        // A handler may answer another success than its route's (201 when a create-or-return made something) by
        // setting it on the reply; 200 is also Fastify's untouched value, so it cannot override a default of 201.
        const chosen = reply.statusCode;
        const status = chosen > 200 && chosen < 300 ? chosen : successStatus;
        return { kind: 'response', status, headers, body: JSON.stringify(result ?? null) };
      } catch (error) {
        if (error instanceof AppError) {
          return {
            kind: 'error',
            error,
            render: (failure) => {
              const { problem, headers } = toProblem(failure, instance, RequestContext.requestId());
              return {
                status: problem.status,
                headers: { ...headers, 'content-type': PROBLEM_CONTENT_TYPE },
                body: JSON.stringify(problem),
                replayed: false,
              };
            },
          };
        }
        throw error;
      }
    };

    return from(
      this.idempotency
        .execute(scope, fingerprintOf(request), operation, { maxStoredBodyBytes })
        .then((response) => send(reply, response)),
    );
  }
}

/**
 * What a key is bound to within its scope (which names the route template, not the resource): the body, plus the
 * path parameters and the query when the request has any. A key reused on another resource (`/dead-letters/2/replay`
 * after `/dead-letters/1/replay`) or with another query is thus a 422, never a replay of the other answer.
 *
 * A request with neither keeps the body-only fingerprint that keys stored before this change carry, so they still
 * replay across the upgrade; a key stored then on a route with path parameters answers 422 to any retry, since the
 * resource it ran on was not recorded.
 */
function fingerprintOf(request: FastifyRequest): string {
  const body = canonicalJson(request.body);
  const params = canonicalJson(request.params ?? {});
  const query = canonicalJson(request.query ?? {});
  if (params === '{}' && query === '{}') {
    return sha256Hex(body);
  }
  // Canonical JSON never contains a raw newline, so this cannot collide with a body-only fingerprint.
  return sha256Hex(`${params}\n${query}\n${body}`);
}

function readKey(header: string | string[] | undefined): string {
  if (header === undefined) {
    throw new AppError('IDEMPOTENCY_KEY_MISSING', 'invalid_input', 'Idempotency-Key required', {
      detail: 'This operation changes state; send an Idempotency-Key header (a UUID is recommended).',
    });
  }
  if (Array.isArray(header) || !VALID_KEY.test(header)) {
    throw new AppError('IDEMPOTENCY_KEY_INVALID', 'invalid_input', 'Invalid Idempotency-Key', {
      detail: 'Send exactly one Idempotency-Key of 1-255 printable ASCII characters.',
    });
  }
  return header;
}

/** Sends the exact stored bytes with the stored status and headers. */
function send(reply: FastifyReply, response: StoredResponse): string {
  void reply.headers(response.headers);
  if (response.replayed) {
    void reply.header(IDEMPOTENT_REPLAYED_HEADER, 'true');
  }
  chooseStatus(reply, response.status);
  return response.body;
}
