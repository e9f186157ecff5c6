import { DeadLetterService } from '@app/events';
import { Injectable } from '@nestjs/common';
import { type Breach, type ProbeContext, SlaProbe } from '../application/ports/sla-probe.port';
import { elapsed, thresholdCutoff } from '../domain/durations';

/**
 * Dead letters nobody replayed or discarded: one breach per destination whose oldest open letter has waited longer
 * than the threshold (minutes). It clears when that destination has no letter waiting that long.
 */
@Injectable()
export class DeadLettersProbe extends SlaProbe {
  readonly rule = 'dead_letters_waiting' as const;

  constructor(private readonly deadLetters: DeadLetterService) {
    super();
  }

  async breaches({ now, threshold }: ProbeContext): Promise<Breach[]> {
    const cutoff = thresholdCutoff(now, threshold, 'minutes');
    return (await this.deadLetters.openByDestination())
      .filter((open) => open.oldestSince < cutoff)
      .map((open) => ({
        subject: `dead-letters:${open.destination}`,
        label: `${open.count} dead letter(s) to ${open.destination}`,
        courierId: null,
        value: elapsed(open.oldestSince, now, 'minutes'),
        since: open.oldestSince,
        link: `/api/v1/admin/dead-letters?destination=${encodeURIComponent(open.destination)}&status=open`,
      }));
  }
}
