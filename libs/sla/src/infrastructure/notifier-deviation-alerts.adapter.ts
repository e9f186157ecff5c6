import { AppConfig } from '@app/core';
import { type Alert, AlertPublisher, CHANNEL_KINDS } from '@app/notifier';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DeviationAlerts } from '../application/ports/deviation-alerts.port';
import type { Deviation } from '../domain/deviation';
import { SLA_RULE_TITLES, withUnit } from '../domain/sla-rules';

/**
 * Deviations as the notifier's alerts: the opening and the resolution of one deviation share its id. The app
 * provides the `AlertPublisher` (the notifier connector's global module).
 */
@Injectable()
export class NotifierDeviationAlerts extends DeviationAlerts implements OnModuleInit {
  constructor(
    private readonly config: AppConfig,
    private readonly publisher: AlertPublisher,
  ) {
    super();
  }

  /** A rule naming a channel the notifier does not have would alert nobody: refused at start-up instead. */
  onModuleInit(): void {
    const unknown = Object.entries(this.config.sla.rules).flatMap(([rule, settings]) =>
      settings.channels
        .filter((channel) => !(CHANNEL_KINDS as readonly string[]).includes(channel))
        .map((channel) => `${rule}: "${channel}"`),
    );
    if (unknown.length > 0) {
      throw new Error(
        `SLA rules name channels the notifier does not have (${CHANNEL_KINDS.join(', ')}): ${unknown.join('; ')}`,
      );
    }
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
