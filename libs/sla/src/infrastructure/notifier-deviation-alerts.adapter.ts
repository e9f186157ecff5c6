import { AppConfig } from '@app/core';
import { type Alert, AlertPublisher } from '@app/notifier';
import { Injectable } from '@nestjs/common';
import { DeviationAlerts } from '../application/ports/deviation-alerts.port';
import type { Deviation } from '../domain/deviation';
import { SLA_RULE_TITLES, withUnit } from '../domain/sla-rules';

/**
 * Deviations as the notifier's alerts: the opening and the resolution of one deviation share its id. The app
 * provides the `AlertPublisher` (the notifier connector's global module).
 */
@Injectable()
export class NotifierDeviationAlerts extends DeviationAlerts {
  constructor(
    private readonly config: AppConfig,
    private readonly publisher: AlertPublisher,
  ) {
    super();
  }

  async announce(
    transitions: readonly { readonly transition: 'opened' | 'resolved'; readonly deviation: Deviation }[],
  ): Promise<void> {
    const alerts = transitions.map(({ transition, deviation }) => this.toAlert(transition, deviation));
    if (alerts.length === 0) {
      return;
    }
    await this.publisher.publish(alerts);
  }

  private toAlert(transition: 'opened' | 'resolved', deviation: Deviation): Alert {
    const channels = this.config.sla.rules[deviation.rule].channels;
    return {
      id: deviation.id,
      transition,
      rule: deviation.rule,
      severity: deviation.severity,
      title: SLA_RULE_TITLES[deviation.rule],
      subject: deviation.label,
      value: withUnit(deviation.rule, deviation.value),
      limit: withUnit(deviation.rule, deviation.threshold),
      since: deviation.since,
      link: `/api/v1/admin/deviations/${deviation.id}`,
      ...(channels.length > 0 ? { channels } : {}),
    };
  }
}
