import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { RequestContext } from '../context/request-context';
import { type AppendOnlyTable, UnitOfWork } from '../database/unit-of-work';
import { AppError, ErrorCategory } from '../errors/app-error';
import { deleteInBatches } from '../maintenance/retention-purge-job';
import { advisoryLockKey } from './canonical-json';
import { IDEMPOTENCY_CLAIM_SQL } from './idempotency-sql';

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
/**
 * The answers of the keys this transaction claimed, written with its other appended rows. A VALUES list rather than
 * a JSON record set: the planner knows how many rows it holds (one, nearly always) and looks each key up by its
 * primary key; for a record set it assumes a hundred rows and scans the whole table.
 */
const ANSWER_TYPES = ['text', 'text', 'text', 'text', 'smallint', 'jsonb', 'text'] as const;
export const IDEMPOTENCY_ANSWERS: AppendOnlyTable<IdempotencyScope & { readonly response: StoredResponse }> = {
  name: 'idempotency_keys',
  statement: (answers) => ({
    sql: `UPDATE idempotency_keys AS k
             SET response_status = a.status, response_headers = a.headers, response_body = a.body
            FROM (VALUES ${answers
              .map(
                (_, i) =>
                  `(${ANSWER_TYPES.map((type, n) => `$${i * ANSWER_TYPES.length + n + 1}::${type}`).join(', ')})`,
              )
              .join(', ')}) AS a(principal, method, route, key, status, headers, body)
           WHERE (k.principal, k.method, k.route, k.key) = (a.principal, a.method, a.route, a.key)`,
    params: answers.flatMap(({ principal, method, route, key, response }) => [
      principal,
      method,
      route,
      key,
      response.status,
      JSON.stringify(response.headers),
      response.body,
    ]),
  }),
};

/** Carries a remembered failure's answer out of the transaction its rollback undoes. */
class RememberedFailure extends Error {
  constructor(readonly response: StoredResponse) {
    super('remembered failure');
  }
}

const REMEMBERED_ERROR_CATEGORIES: ReadonlySet<ErrorCategory> = new Set(['not_found', 'conflict', 'unprocessable']);

/**
 * Runs a state-changing operation at most once per (principal, method, route, key), inside ONE transaction with
 * the operation's own writes: the key, the business rows and their outbox events commit or roll back together.
 * A concurrent duplicate does not wait for the first: it fails the advisory-lock attempt and gets 409.
 *
 * The fresh path costs two statements of its own: the claim (lock and key row together) and the answer, which joins
 * the transaction's other appended rows in its last statement. The claimed row is invisible to others until COMMIT,
 * when it already holds the answer. A remembered business failure rolls its transaction back and keeps its answer
 * in a second one, which spares every successful request a savepoint.
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
    if (this.unitOfWork.inTransaction) {
      throw new Error('IdempotencyService.execute opens the transaction it guards; call it outside UnitOfWork.run()');
    }
    const remember = (response: StoredResponse): StoredResponse => {
      const storedBodyLimit = Math.max(this.config.idempotency.maxStoredBodyBytes, options.maxStoredBodyBytes ?? 0);
      if (Buffer.byteLength(response.body) > storedBodyLimit) {
        throw new AppError('IDEMPOTENT_RESPONSE_TOO_LARGE', 'internal', 'Response too large to remember');
      }
      this.unitOfWork.append(IDEMPOTENCY_ANSWERS, [{ ...scope, response }]);
      return response;
    };
    try {
      return await this.unitOfWork.run(async (manager) => {
        if (!(await this.claim(manager, scope, fingerprint))) {
          return this.answerGivenBefore(manager, scope, fingerprint);
        }
        const outcome = await operation();
        if (outcome.kind === 'response') {
          return remember({ ...outcome, replayed: false });
        }
        if (!REMEMBERED_ERROR_CATEGORIES.has(outcome.error.category)) {
          throw outcome.error;
        }
        throw new RememberedFailure(outcome.render(outcome.error));
      });
    } catch (error) {
      if (!(error instanceof RememberedFailure)) {
        throw error;
      }
      // The failed operation's writes went with the rolled-back transaction; its answer is kept in a transaction of
      // its own. A duplicate that claimed the key in between has run and answered: its answer is the key's.
      return this.unitOfWork.run(async (manager) =>
        (await this.claim(manager, scope, fingerprint))
          ? remember(error.response)
          : this.answerGivenBefore(manager, scope, fingerprint),
      );
    }
  }

  /** True when this transaction now holds the key (see {@link IDEMPOTENCY_CLAIM_SQL}). */
  private async claim(manager: EntityManager, scope: IdempotencyScope, fingerprint: string): Promise<boolean> {
    const where = [scope.principal, scope.method, scope.route, scope.key];
    const claimed = await manager.query<unknown[]>(IDEMPOTENCY_CLAIM_SQL, [
      ...where,
      fingerprint,
      RequestContext.requestId() ?? null,
      this.config.idempotency.ttlHours,
      advisoryLockKey(where.join('\n')),
    ]);
    return claimed.length === 1;
  }

  /**
   * The claim found the key taken: by a committed request, whose answer is replayed (or a 422 when this request is
   * another one), or by one still running, which holds the lock and whose row this transaction cannot see yet.
   */
  private async answerGivenBefore(
    manager: EntityManager,
    scope: IdempotencyScope,
    fingerprint: string,
  ): Promise<StoredResponse> {
    const [previous] = await manager.query<
      { fingerprint: string; status: number; headers: Record<string, string>; body: string }[]
    >(
      `SELECT fingerprint, response_status AS status, response_headers AS headers, response_body AS body
         FROM idempotency_keys
        WHERE principal = $1 AND method = $2 AND route = $3 AND key = $4 AND expires_at > now()`,
      [scope.principal, scope.method, scope.route, scope.key],
    );
    if (!previous) {
      throw new AppError('IDEMPOTENCY_REQUEST_IN_PROGRESS', 'conflict', 'Request in progress', {
        detail: 'A request with this Idempotency-Key is still being processed; retry after it completes.',
        retryAfterSeconds: 1,
      });
    }
    if (previous.fingerprint !== fingerprint) {
      throw new AppError('IDEMPOTENCY_KEY_REUSED', 'unprocessable', 'Idempotency key reused', {
        detail: 'This Idempotency-Key was already used with a different request: another resource, query or body.',
      });
    }
    return { status: previous.status, headers: previous.headers, body: previous.body, replayed: true };
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
