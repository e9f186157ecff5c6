import { AppConfig, Clock, UnitOfWork } from '@app/core';
import { Injectable } from '@nestjs/common';
import { planEvaluation } from '../domain/deviation';
import { DeviationAlerts } from './ports/deviation-alerts.port';
import { DeviationStore } from './ports/deviation-store.port';
import { SLA_RULES, type SlaRuleId } from './ports/sla-probe.port';
import { SlaProbes } from './sla-probes';

/** What one evaluation of one rule did. */
export interface RuleEvaluation {
  readonly rule: SlaRuleId;
  /** `disabled` in the rules file, or `no_probe` in this app: not evaluated. */
  readonly outcome: 'evaluated' | 'disabled' | 'no_probe';
  readonly breaches: number;
  readonly opened: number;
  readonly updated: number;
  readonly resolved: number;
}

export interface SlaEvaluation {
  /**
   * The instant the rules were checked at; a rule that a concurrent evaluation had already checked at a later one
   * is checked at that later instant.
   */
  readonly at: Date;
  readonly rules: readonly RuleEvaluation[];
}

/**
 * Evaluates the SLA rules: each rule's probe lists what is in breach now, and the deviations follow. One rule is one
 * transaction under the rule's lock, so the schedule, the event-triggered evaluations and "check now" never open the
 * same deviation twice; the alerts join that transaction, so each opening and each resolution is told once.
 */
@Injectable()
export class SlaMonitor {
  constructor(
    private readonly config: AppConfig,
    private readonly probes: SlaProbes,
    private readonly store: DeviationStore,
    private readonly alerts: DeviationAlerts,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  /** Every rule, or the named ones. */
  async evaluate(rules: readonly SlaRuleId[] = SLA_RULES): Promise<SlaEvaluation> {
    const at = this.clock.now();
    const results: RuleEvaluation[] = [];
    for (const rule of SLA_RULES.filter((id) => rules.includes(id))) {
      results.push(await this.evaluateRule(rule, at));
    }
    return { at, rules: results };
  }

  private async evaluateRule(rule: SlaRuleId, at: Date): Promise<RuleEvaluation> {
    const settings = this.config.sla.rules[rule];
    const idle = { rule, breaches: 0, opened: 0, updated: 0, resolved: 0 };
    if (!settings.enabled) {
      return { ...idle, outcome: 'disabled' };
    }
    const probe = this.probes.of(rule);
    if (!probe) {
      return { ...idle, outcome: 'no_probe' };
    }
    return this.unitOfWork.run(async () => {
      await this.store.lockRule(rule);
      const open = await this.store.openOf(rule);
      // An evaluation that waited for the lock must not judge at an instant before the one that held it: at its
      // earlier "now" a breach just opened may not have aged past the threshold yet, and would resolve and reopen.
      const now = new Date(Math.max(at.getTime(), ...open.map((deviation) => deviation.lastSeen.getTime())));
      const breaches = await probe.breaches({ now, threshold: settings.threshold });
      const plan = planEvaluation(
        open,
        await this.store.resolvedByAdmin(
          rule,
          breaches.map((breach) => breach.subject),
        ),
        breaches,
      );
      const resolved = await this.store.resolve(
        plan.resolve.map((deviation) => deviation.id),
        { at: now, by: 'monitor', comment: null },
      );
      for (const { deviation, breach } of plan.update) {
        await this.store.refresh(deviation.id, breach, { ...settings, seenAt: now });
      }
      const opened = await this.store.open(
        plan.open.map((breach) => ({
          rule,
          breach,
          severity: settings.severity,
          threshold: settings.threshold,
          seenAt: now,
        })),
      );
      await this.alerts.announce([
        ...opened.map((deviation) => ({ transition: 'opened' as const, deviation })),
        ...resolved.map((deviation) => ({ transition: 'resolved' as const, deviation })),
      ]);
      return {
        ...idle,
        outcome: 'evaluated' as const,
        breaches: breaches.length,
        opened: opened.length,
        updated: plan.update.length,
        resolved: resolved.length,
      };
    });
  }
}
