import {
  AppConfig,
  deleteInBatches,
  MetricsService,
  RecurringJob,
  RecurringJobSummary,
  RetentionPurgeJob,
  UnitOfWork,
} from '@app/core';
import { Injectable } from '@nestjs/common';
import { ExchangeWorkArea } from './exchange-work-area';

/** Finished sessions stay listed in the admin API this long. */
const KEEP_SESSIONS_DAYS = 30;

/**
 * Ends idle sessions (`completed` when everything they received was imported, else `expired`) and deletes their
 * folders once they have been finished for a session TTL (kept that long for a look at what a failed exchange
 * uploaded). Runs in the worker, which mounts the exchange work area too.
 */
@Injectable()
export class ExchangeJanitor extends RecurringJob {
  readonly name = 'onec-exchange-janitor';
  readonly everyMs = 60_000;

  constructor(
    private readonly config: AppConfig,
    private readonly unitOfWork: UnitOfWork,
    private readonly workArea: ExchangeWorkArea,
  ) {
    super();
  }

  async run(signal: AbortSignal): Promise<RecurringJobSummary> {
    const manager = this.unitOfWork.manager;
    const [, ended] = await manager.query<[unknown[], number]>(
      `UPDATE onec_exchange_sessions s
          SET state = CASE
                WHEN s.initialized AND NOT EXISTS (
                  SELECT 1 FROM onec_exchange_files f
                   WHERE f.session_id = s.id AND f.role <> 'image' AND f.phase NOT IN ('done', 'unpacked'))
                THEN 'completed' ELSE 'expired' END,
              finished_at = now(), lease_owner = NULL, lease_until = NULL
        WHERE s.state IN ('open', 'importing') AND s.expires_at < now()`,
    );
    const stale = await manager.query<{ id: string }[]>(
      `SELECT id FROM onec_exchange_sessions
        WHERE work_area_removed_at IS NULL AND state IN ('completed', 'failed', 'expired')
          AND finished_at < now() - make_interval(secs => $1)
        LIMIT 100`,
      [this.config.onec.exchange.sessionTtlSeconds],
    );
    let removed = 0;
    for (const { id } of stale) {
      if (signal.aborted) {
        break;
      }
      await this.workArea.remove(id);
      await manager.query('UPDATE onec_exchange_sessions SET work_area_removed_at = now() WHERE id = $1', [id]);
      removed += 1;
    }
    return { ended, foldersRemoved: removed };
  }
}

/** Forgets exchange sessions (and their file rows) 30 days after they finished. */
@Injectable()
export class PurgeExchangeSessionsJob extends RetentionPurgeJob {
  readonly name = 'purge-onec-exchange-sessions';
  readonly everyMs = 60 * 60_000;

  constructor(
    private readonly unitOfWork: UnitOfWork,
    metrics: MetricsService,
  ) {
    super(metrics);
  }

  protected async purge(signal: AbortSignal) {
    return {
      onec_exchange_sessions: await deleteInBatches(
        this.unitOfWork.manager,
        `DELETE FROM onec_exchange_sessions WHERE id IN (SELECT id FROM onec_exchange_sessions
           WHERE finished_at < now() - make_interval(days => $1) LIMIT $2)`,
        [KEEP_SESSIONS_DAYS],
        { signal },
      ),
    };
  }
}
