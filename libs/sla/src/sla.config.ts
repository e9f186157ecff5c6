import { readFileSync } from 'node:fs';
import { type EnvReader, registerConfigSection } from '@app/core';
import { DEFAULT_SLA_RULES, parseSlaRules, type SlaRuleBook } from './domain/sla-rules';

/** The SLA monitors: their rules and how often the worker evaluates them. */
export interface SlaSettings {
  readonly rules: SlaRuleBook;
  /** Between two scheduled evaluations of every rule; 0 leaves only the event-triggered ones and "check now". */
  readonly evaluateMs: number;
  /** A resolved deviation is forgotten this many days after its resolution; the SLA report reads no further back. */
  readonly deviationsRetentionDays: number;
}

export function readSlaConfig(read: EnvReader): SlaSettings {
  return {
    rules: readRulesFile(read, read.optionalString('SLA_RULES_FILE')),
    evaluateMs: read.int('SLA_EVALUATE_SECONDS', 60, { min: 0, max: 24 * 60 * 60 }) * 1000,
    // A year's report with a month to spare; never under the audit trail's 90 days.
    deviationsRetentionDays: read.int('SLA_DEVIATIONS_RETENTION_DAYS', 400, { min: 90 }),
  };
}

function readRulesFile(read: EnvReader, path: string | undefined): SlaRuleBook {
  if (path === undefined) {
    return DEFAULT_SLA_RULES;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    read.problem(`SLA_RULES_FILE ${path} cannot be read: ${error instanceof Error ? error.message : String(error)}`);
    return DEFAULT_SLA_RULES;
  }
  return parseSlaRules(raw, (message) => read.problem(`SLA_RULES_FILE ${path} ${message}`));
}

declare module '@app/core' {
  interface ConfigSections {
    /** The SLA monitors' section. */
    readonly sla: SlaSettings;
  }
}

registerConfigSection('sla', readSlaConfig);
