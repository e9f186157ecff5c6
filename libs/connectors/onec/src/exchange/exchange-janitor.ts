import { AppConfig, UnitOfWork } from '@app/core';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ExchangeWorkArea } from './exchange-work-area';

const SWEEP_EVERY_MS = 60_000;
/** Finished sessions stay listed in the admin API this long. */
const KEEP_SESSIONS_DAYS = 30;

/**
 * Ends idle sessions (`completed` when everything they received was imported, else `expired`), deletes their
 * folders once they have been finished for a session TTL (kept that long for a look at what a failed exchange
 * uploaded), and forgets sessions after 30 days. Every API replica sweeps; each statement is idempotent.
 */
@Injectable()
export class ExchangeJanitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ExchangeJanitor.name);
  private timer?: NodeJS.Timeout;
  private sweeping: Promise<void> | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly unitOfWork: UnitOfWork,
    private readonly workArea: ExchangeWorkArea,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.sweeping ??= this.sweep()
        .catch((error: unknown) => this.logger.warn(`Exchange sweep failed: ${String(error)}`))
        .finally(() => (this.sweeping = null));
    }, SWEEP_EVERY_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  async sweep(): Promise<void> {
    const manager = this.unitOfWork.manager;
    await manager.query(
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
    for (const { id } of stale) {
      await this.workArea.remove(id);
      await manager.query('UPDATE onec_exchange_sessions SET work_area_removed_at = now() WHERE id = $1', [id]);
    }
    await manager.query(`DELETE FROM onec_exchange_sessions WHERE finished_at < now() - make_interval(days => $1)`, [
      KEEP_SESSIONS_DAYS,
    ]);
  }
}
