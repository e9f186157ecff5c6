import { UnitOfWork } from '@app/core';
import { Injectable } from '@nestjs/common';

/** The events of one destination its consumer (or puller) has not taken yet. */
export interface DestinationBacklog {
  readonly destination: string;
  readonly count: number;
  /** When the oldest of them was written. */
  readonly oldestSince: Date;
}

/** How far behind a destination is: read by the SLA monitors' sync-lag rule. */
@Injectable()
export class EventBacklog {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  /**
   * Per destination asked for, the events not delivered yet: waiting, in flight or dead (a dead event blocks its
   * subject, so it is lag too); a discarded one is not. Destinations with nothing waiting are left out.
   */
  async undelivered(destinations: readonly string[]): Promise<DestinationBacklog[]> {
    const rows = await this.unitOfWork.manager.query<{ destination: string; count: number; oldest: Date }[]>(
      `SELECT destination, count(*)::int AS count, min(created_at) AS oldest FROM outbox_events
        WHERE destination = ANY($1) AND status IN ('queued', 'pending', 'dispatched', 'dead')
        GROUP BY destination ORDER BY destination`,
      [destinations],
    );
    return rows.map((row) => ({ destination: row.destination, count: row.count, oldestSince: row.oldest }));
  }
}
