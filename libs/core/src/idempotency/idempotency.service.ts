import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { RequestContext } from '../context/request-context';
import { UnitOfWork } from '../database/unit-of-work';
import { AppError, ErrorCategory } from '../errors/app-error';
import { deleteInBatches } from '../maintenance/retention-purge-job';
import { advisoryLockKey } from './canonical-json';
import { IdempotencyKeyEntity } from './idempotency-key.entity';

export interface IdempotencyScope {
  readonly principal: string;
  readonly method: string;
  readonly route: string;
  readonly key: string;
}

export interface StoredResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly replayed: boolean;
}

/** What the guarded operation produced: a response to remember, or a business error to remember and answer. */
export type ExecutionOutcome =
  | {
      readonly kind: 'response';
      readonly status: number;
      readonly headers: Record<string, string>;
      readonly body: string;
    }
  | { readonly kind: 'error'; readonly error: AppError; readonly render: (error: AppError) => StoredResponse };

/**
 * Business failures are deterministic: running the same request again gives the same answer, so it is remembered.
 * Input, auth and availability failures are not: the client fixes the request or retries later.
 */
const REMEMBERED_ERROR_CATEGORIES: ReadonlySet<ErrorCategory> = new Set(['not_found', 'conflict', 'unprocessable']);

/**
 * Runs a state-changing operation at most once per (principal, method, route, key), inside ONE transaction with
 * the operation's own writes: the key, the business rows and their outbox events commit or roll back together.
 * A concurrent duplicate does not wait for the first: it fails the advisory-lock attempt and gets 409.
 */
@Injectable()
export class IdempotencyService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly config: AppConfig,
  ) {}

  async execute(
    scope: IdempotencyScope,
    fingerprint: string,
    operation: () => Promise<ExecutionOutcome>,
    options: { readonly maxStoredBodyBytes?: number } = {},
  ): Promise<StoredResponse> {
    return this.unitOfWork.run(async (manager) => {
      const [{ locked }] = await manager.query<{ locked: boolean }[]>(
        'SELECT pg_try_advisory_xact_lock($1::bigint) AS locked',
        [advisoryLockKey(`${scope.principal}\n${scope.method}\n${scope.route}\n${scope.key}`)],
      );
      if (!locked) {
        throw new AppError('IDEMPOTENCY_REQUEST_IN_PROGRESS', 'conflict', 'Request in progress', {
          detail: 'A request with this Idempotency-Key is still being processed; retry after it completes.',
          retryAfterSeconds: 1,
        });
      }

      const repository = manager.getRepository(IdempotencyKeyEntity);
      const where = { principal: scope.principal, method: scope.method, route: scope.route, key: scope.key };
      const previous = await repository.findOneBy(where);
      if (previous && previous.expiresAt > new Date()) {
        if (previous.fingerprint !== fingerprint) {
          throw new AppError('IDEMPOTENCY_KEY_REUSED', 'unprocessable', 'Idempotency key reused', {
            detail: 'This Idempotency-Key was already used with a different request: another resource, query or body.',
          });
        }
        return {
          status: previous.responseStatus,
          headers: previous.responseHeaders,
          body: previous.responseBody,
          replayed: true,
        };
      }

      await manager.query('SAVEPOINT idempotent_operation');
      const outcome = await operation();
      let response: StoredResponse;
      if (outcome.kind === 'error') {
        if (!REMEMBERED_ERROR_CATEGORIES.has(outcome.error.category)) {
          throw outcome.error;
        }
        // Keep the key, drop whatever the failed operation wrote.
        await manager.query('ROLLBACK TO SAVEPOINT idempotent_operation');
        response = outcome.render(outcome.error);
      } else {
        response = { ...outcome, replayed: false };
      }
      const storedBodyLimit = Math.max(this.config.idempotency.maxStoredBodyBytes, options.maxStoredBodyBytes ?? 0);
      if (Buffer.byteLength(response.body) > storedBodyLimit) {
        throw new AppError('IDEMPOTENT_RESPONSE_TOO_LARGE', 'internal', 'Response too large to remember');
      }

      await repository.upsert(
        {
          ...where,
          fingerprint,
          responseStatus: response.status,
          responseHeaders: response.headers,
          responseBody: response.body,
          requestId: RequestContext.requestId() ?? null,
          createdAt: new Date(),
          expiresAt: new Date(Date.now() + this.config.idempotency.ttlHours * 3_600_000),
        },
        ['principal', 'method', 'route', 'key'],
      );
      return response;
    });
  }

  /** Deletes expired keys in batches so a large backlog never holds a long lock. Returns how many went. */
  purgeExpired(options?: { batchSize?: number; signal?: AbortSignal }): Promise<number> {
    return deleteInBatches(
      this.unitOfWork.manager,
      `DELETE FROM idempotency_keys WHERE ctid IN (SELECT ctid FROM idempotency_keys WHERE expires_at < now() LIMIT $1)`,
      [],
      options,
    );
  }
}
