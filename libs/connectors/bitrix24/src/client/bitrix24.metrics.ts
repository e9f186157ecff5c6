import { MetricsService } from '@app/core';
import { Injectable } from '@nestjs/common';
import type { Counter, Gauge, Histogram } from 'prom-client';

/** Prometheus series of the Bitrix24 connector (docs/integrations/bitrix24.md § Metrics). */
@Injectable()
export class Bitrix24Metrics {
  readonly calls: Counter<'method' | 'outcome'>;
  readonly limiterWait: Histogram<'portal'>;
  readonly operatingSeconds: Gauge<'method'>;
  readonly circuitState: Gauge<'portal'>;
  readonly inbound: Counter<'event' | 'outcome'>;
  readonly inboundChanges: Counter<'kind' | 'outcome'>;

  constructor(metrics: MetricsService) {
    this.calls = metrics.counter({
      name: 'bitrix24_calls_total',
      help: 'Bitrix24 REST calls by method (batch commands by their own method) and outcome (ok or an error code)',
      labelNames: ['method', 'outcome'],
    });
    this.limiterWait = metrics.histogram({
      name: 'bitrix24_limiter_wait_seconds',
      help: 'Time a call waited for a slot of the shared per-portal leaky bucket',
      labelNames: ['portal'],
      buckets: [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    });
    this.operatingSeconds = metrics.gauge({
      name: 'bitrix24_operating_seconds',
      help: 'Operating seconds the portal last reported for a method (time.operating) in its 10-minute window',
      labelNames: ['method'],
    });
    this.circuitState = metrics.gauge({
      name: 'bitrix24_circuit_state',
      help: 'Circuit breaker of this replica towards the portal: 0 closed, 1 half-open, 2 open',
      labelNames: ['portal'],
    });
    this.inbound = metrics.counter({
      name: 'bitrix24_inbound_events_total',
      help: 'Outbound-webhook calls received from Bitrix24 by event and outcome (accepted, duplicate, refused)',
      labelNames: ['event', 'outcome'],
    });
    this.inboundChanges = metrics.counter({
      name: 'bitrix24_inbound_changes_total',
      help: 'Changes made in Bitrix24 passed on by kind and outcome: handled by a domain module, or unhandled (recorded)',
      labelNames: ['kind', 'outcome'],
    });
  }
}
