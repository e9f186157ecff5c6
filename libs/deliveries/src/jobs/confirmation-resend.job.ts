import { AppConfig, MetricsService, RecurringJob, type RecurringJobSummary } from '@app/core';
import { Injectable } from '@nestjs/common';
import { DeliveriesService } from '../application/deliveries.service';
import { MAX_RESEND_INTERVAL_MS } from '../deliveries.config';

const BATCH = 100;

/**
 * Chases 1C's acknowledgements: every `DELIVERIES_RESEND_CHECK_MINUTES` sends again the execution confirmations 1C
 * has not acknowledged, each on its own backoff, and publishes how many outcomes wait and how many are overdue.
 */
@Injectable()
export class DeliveriesConfirmationResendJob extends RecurringJob {
  readonly name = 'deliveries-confirmation-resend';
  readonly everyMs: number;
  override readonly runAtStart = true;
  private readonly resent;
  private readonly waiting;

  constructor(
    private readonly config: AppConfig,
    private readonly deliveries: DeliveriesService,
    metrics: MetricsService,
  ) {
    super();
    this.everyMs = config.deliveries.resendCheckMs;
    this.resent = metrics.counter({
      name: 'deliveries_confirmations_resent_total',
      help: 'Execution confirmations sent to 1C again because 1C had not acknowledged them',
    });
    this.waiting = metrics.gauge({
      name: 'deliveries_unacknowledged_outcomes',
      help: 'Delivery outcomes 1C has not acknowledged yet (age: all, or overdue past DELIVERIES_ACK_OVERDUE_MINUTES)',
      labelNames: ['age'] as const,
    });
  }

  async run(signal: AbortSignal): Promise<RecurringJobSummary> {
    let resent = 0;
    for (;;) {
      const sent = await this.deliveries.resendUnacknowledged({
        baseMs: this.config.deliveries.confirmationResendMs,
        capMs: MAX_RESEND_INTERVAL_MS,
        batch: BATCH,
      });
      resent += sent;
      if (sent < BATCH || signal.aborted) {
        break;
      }
    }
    this.resent.inc(resent);
    const counts = await this.deliveries.unacknowledgedCounts(
      new Date(Date.now() - this.config.deliveries.ackOverdueMs),
    );
    this.waiting.set({ age: 'all' }, counts.all);
    this.waiting.set({ age: 'overdue' }, counts.overdue);
    return { resent, unacknowledged: counts.all, overdue: counts.overdue };
  }
}
