import { IntegrationError } from '@app/core';
import { type CloudEvent, EventConsumer, type EventHandler } from '@app/events';
import { Injectable } from '@nestjs/common';
import { isSlaRule } from '../domain/sla-rules';
import { SLA_DESTINATION, SLA_EVALUATION_REQUESTED, type SlaEvaluationRequest } from '../application/sla-evaluations';
import { SlaMonitor } from '../application/sla-monitor';

/**
 * Thin: evaluates the rule another lib's change may have broken or cleared. Not transactional: the monitor runs the
 * rule in its own transaction under the rule's lock, and evaluating twice changes nothing the first did not.
 * Coalescing: one evaluation answers every request for its rule committed before it began, so a backlog (say, of
 * the delivery changes made while Redis was down) drains in a few evaluations, not one per change.
 */
@Injectable()
@EventConsumer({ destination: SLA_DESTINATION, transactional: false, concurrency: 2, coalesce: true })
export class SlaEvaluationConsumer implements EventHandler<SlaEvaluationRequest> {
  constructor(private readonly monitor: SlaMonitor) {}

  async handle(event: CloudEvent<SlaEvaluationRequest>): Promise<void> {
    const rule = (event.data as { rule?: unknown } | null)?.rule;
    if (event.type !== SLA_EVALUATION_REQUESTED || !isSlaRule(rule)) {
      throw new IntegrationError('permanent', 'SLA_INVALID_EVENT', `SLA evaluation request: ${event.type}`);
    }
    await this.monitor.evaluate([rule]);
  }
}
