import { EventBacklog } from '@app/events';
import { Injectable } from '@nestjs/common';
import { type Breach, type ProbeContext, SlaProbe } from '../application/ports/sla-probe.port';
import { elapsed, thresholdCutoff } from '../domain/durations';

/** The destinations whose lag is watched: the two systems the middleware keeps in sync. */
const SYNCED = { bitrix24: 'Bitrix24', onec: '1C' } as const;

/**
 * Sync lag: per destination, the oldest event not yet delivered, when older than the threshold (minutes). A dead
 * event counts: it holds back its subject's successors.
 */
@Injectable()
export class SyncLagProbe extends SlaProbe {
  readonly rule = 'sync_lag' as const;

  constructor(private readonly backlog: EventBacklog) {
    super();
  }

  async breaches({ now, threshold }: ProbeContext): Promise<Breach[]> {
    const cutoff = thresholdCutoff(now, threshold, 'minutes');
    return (await this.backlog.undelivered(Object.keys(SYNCED)))
      .filter((backlog) => backlog.oldestSince < cutoff)
      .map((backlog) => ({
        subject: `destination:${backlog.destination}`,
        label: `${SYNCED[backlog.destination as keyof typeof SYNCED]}: ${backlog.count} event(s) waiting`,
        courierId: null,
        value: elapsed(backlog.oldestSince, now, 'minutes'),
        since: backlog.oldestSince,
        link: '/api/v1/admin/connectors',
      }));
  }
}
