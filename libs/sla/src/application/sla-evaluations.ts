import { EventPublisher } from '@app/events';
import { Injectable } from '@nestjs/common';
import type { SlaRuleId } from './ports/sla-probe.port';

/** The worker's queue of evaluations: one subject per rule, so one rule's evaluations run one after another. */
export const SLA_DESTINATION = 'sla';
export const SLA_EVALUATION_REQUESTED = 'mastermobile.sla.evaluation_requested.v1';

export interface SlaEvaluationRequest {
  readonly rule: SlaRuleId;
}

/**
 * For the libs whose changes can break or clear a rule (a cash document posted, a delivery acknowledged): asks the
 * worker to evaluate those rules soon, rather than at the next scheduled evaluation. Called inside the caller's
 * transaction, so a change that rolls back asks for nothing.
 */
@Injectable()
export class SlaEvaluations {
  constructor(private readonly events: EventPublisher) {}

  async request(rules: readonly SlaRuleId[]): Promise<void> {
    await this.events.publish(
      [...new Set(rules)].map((rule) => ({
        destination: SLA_DESTINATION,
        type: SLA_EVALUATION_REQUESTED,
        subject: `rule:${rule}`,
        data: { rule } satisfies SlaEvaluationRequest,
      })),
    );
  }
}
