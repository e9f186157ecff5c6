import { adapterName, providersExtending } from '@app/core';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { SlaProbe, type SlaRuleId } from './ports/sla-probe.port';

/** The probes of this app, found at start-up in whichever lib provides them; one per rule. */
@Injectable()
export class SlaProbes implements OnModuleInit {
  private readonly logger = new Logger(SlaProbes.name);
  private readonly byRule = new Map<SlaRuleId, SlaProbe>();
  private readonly reportedMissing = new Set<SlaRuleId>();

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    for (const probe of providersExtending(this.discovery, SlaProbe)) {
      const taken = this.byRule.get(probe.rule);
      if (taken) {
        throw new Error(`SLA rule ${probe.rule} has two probes: ${adapterName(taken)} and ${adapterName(probe)}`);
      }
      this.byRule.set(probe.rule, probe);
    }
  }

  /** The rule's probe; a rule whose lib this app does not run has none (said once, not on every evaluation). */
  of(rule: SlaRuleId): SlaProbe | undefined {
    const probe = this.byRule.get(rule);
    if (!probe && !this.reportedMissing.has(rule)) {
      this.reportedMissing.add(rule);
      this.logger.warn(`SLA rule ${rule} has no probe in this app: it is not evaluated`);
    }
    return probe;
  }
}
