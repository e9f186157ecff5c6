import { MetricsService } from '@app/core';
import { Injectable } from '@nestjs/common';
import type { Counter, Gauge } from 'prom-client';

@Injectable()
export class NotifierMetrics {
  /** `outcome`: sent, rate_limited, failed; `form`: single or digest. */
  readonly messages: Counter<'channel' | 'form' | 'outcome'>;
  /** Alert transitions queued per channel target, and those no configured channel takes (`channel="none"`). */
  readonly alerts: Counter<'channel' | 'outcome'>;
  readonly circuitState: Gauge<'channel'>;

  constructor(metrics: MetricsService) {
    this.messages = metrics.counter({
      name: 'notifier_messages_total',
      help: 'Messages the notifier sent to Slack or Telegram, by outcome',
      labelNames: ['channel', 'form', 'outcome'],
    });
    this.alerts = metrics.counter({
      name: 'notifier_alerts_total',
      help: 'Alert transitions the notifier queued (per channel) or could not route',
      labelNames: ['channel', 'outcome'],
    });
    this.circuitState = metrics.gauge({
      name: 'notifier_circuit_state',
      help: 'Circuit breaker per chat service: 0 closed, 1 half-open, 2 open',
      labelNames: ['channel'],
    });
  }
}
