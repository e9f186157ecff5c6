import { AppConfig, RecurringJob, type RecurringJobSummary } from '@app/core';
import { Injectable } from '@nestjs/common';
import { SlaMonitor } from '../application/sla-monitor';

/** Evaluates every rule every `SLA_EVALUATE_SECONDS`, and once when a worker starts (what aged while it was down). */
@Injectable()
export class SlaMonitorJob extends RecurringJob {
  readonly name = 'sla-monitor';
  readonly everyMs: number;
  override readonly runAtStart = true;

  constructor(
    config: AppConfig,
    private readonly monitor: SlaMonitor,
  ) {
    super();
    this.everyMs = config.sla.evaluateMs;
  }

  async run(): Promise<RecurringJobSummary> {
    const { rules } = await this.monitor.evaluate();
    const total = (key: 'opened' | 'updated' | 'resolved') => rules.reduce((sum, rule) => sum + rule[key], 0);
    return {
      evaluated: rules.filter((rule) => rule.outcome === 'evaluated').length,
      opened: total('opened'),
      updated: total('updated'),
      resolved: total('resolved'),
    };
  }
}
