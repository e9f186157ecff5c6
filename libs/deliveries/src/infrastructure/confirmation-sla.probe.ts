import { type Breach, elapsed, type ProbeContext, SlaProbe, thresholdCutoff } from '@app/sla';
import { Injectable } from '@nestjs/common';
import { DeliveryStore } from '../application/ports/delivery-store.port';

/**
 * The SLA rule `confirmation_not_acknowledged`: one breach per delivery whose reported outcome 1C has not
 * acknowledged within the threshold (minutes), counted from the outcome (or its last correction). 1C's
 * acknowledgement closes the delivery, which clears it.
 */
@Injectable()
export class ConfirmationSlaProbe extends SlaProbe {
  readonly rule = 'confirmation_not_acknowledged' as const;

  constructor(private readonly store: DeliveryStore) {
    super();
  }

  async breaches({ now, threshold }: ProbeContext): Promise<Breach[]> {
    const waiting = await this.store.unacknowledged(thresholdCutoff(now, threshold, 'minutes'));
    return waiting.map((outcome) => ({
      subject: `delivery:${outcome.id}`,
      label: outcome.documentNumber,
      courierId: outcome.courierId,
      value: elapsed(outcome.reportedAt, now, 'minutes'),
      since: outcome.reportedAt,
      link: `/api/v1/deliveries/${outcome.id}`,
    }));
  }
}
