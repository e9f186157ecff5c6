import { AppConfig, RecurringJob, RecurringJobSummary } from '@app/core';
import { Injectable } from '@nestjs/common';
import { OfflineQueueDrain } from './offline-drain';
import { Reconciler } from './reconciler';

/**
 * OAuth mode's recovery: binds the offline events still missing and drains the portal's offline queue, at start
 * (what happened while we were down) and every `BITRIX24_OFFLINE_POLL_INTERVAL_MS` (an ONOFFLINEEVENT also drains).
 * Two drains at once would be harmless (reservations are disjoint), only wasteful.
 */
@Injectable()
export class Bitrix24OfflineDrainJob extends RecurringJob {
  readonly name = 'bitrix24-offline-drain';
  readonly everyMs: number;
  override readonly runAtStart = true;

  constructor(
    config: AppConfig,
    private readonly drain: OfflineQueueDrain,
  ) {
    super();
    this.everyMs = config.bitrix24.authMode === 'oauth' ? config.bitrix24.offlinePollIntervalMs : 0;
  }

  async run(): Promise<RecurringJobSummary> {
    const bound = await this.drain.ensureBindings();
    return { bound, stored: await this.drain.drain() };
  }
}

/**
 * Webhook mode's recovery of missed events (outgoing webhooks are fire-and-forget), at start and every
 * `BITRIX24_RECONCILE_INTERVAL_MS`.
 */
@Injectable()
export class Bitrix24ReconcileJob extends RecurringJob {
  readonly name = 'bitrix24-reconcile';
  readonly everyMs: number;
  override readonly runAtStart = true;

  constructor(
    config: AppConfig,
    private readonly reconciler: Reconciler,
  ) {
    super();
    this.everyMs = config.bitrix24.authMode === 'webhook' ? config.bitrix24.reconcileIntervalMs : 0;
  }

  async run(): Promise<RecurringJobSummary> {
    return { passedOn: await this.reconciler.run() };
  }
}
