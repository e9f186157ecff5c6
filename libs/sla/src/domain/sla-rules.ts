import { SLA_RULE_UNITS, SLA_RULES, type SlaRuleId } from '../application/ports/sla-probe.port';

/** The notifier's severities (it routes an alert by them where its rule names no channels). */
export const SLA_SEVERITIES = ['info', 'warning', 'critical'] as const;
export type SlaSeverity = (typeof SLA_SEVERITIES)[number];

/** One rule as the rules file sets it. */
export interface SlaRuleSettings {
  readonly enabled: boolean;
  /** In the rule's unit ({@link SLA_RULE_UNITS}), a decimal string. */
  readonly threshold: string;
  readonly severity: SlaSeverity;
  /** Named channels for its alerts; empty routes them by severity. */
  readonly channels: readonly string[];
}

export type SlaRuleBook = Readonly<Record<SlaRuleId, SlaRuleSettings>>;

const rule = (threshold: string, severity: SlaSeverity): SlaRuleSettings => ({
  enabled: true,
  threshold,
  severity,
  channels: [],
});

/** What applies where the rules file says nothing (docs/operations/sla-monitors.md lists them). */
export const DEFAULT_SLA_RULES: SlaRuleBook = {
  cash_not_handed_over: rule('12', 'warning'),
  document_not_posted: rule('60', 'warning'),
  advance_not_reported: rule('3', 'warning'),
  cash_on_hand_over_limit: rule('50000.00', 'critical'),
  cod_mismatch: rule('0.00', 'critical'),
  posted_amount_mismatch: rule('0.00', 'critical'),
  confirmation_not_acknowledged: rule('30', 'warning'),
  dead_letters_waiting: rule('15', 'critical'),
  sync_lag: rule('10', 'warning'),
};

/** Short titles for the chat channels, one line each. */
export const SLA_RULE_TITLES: Readonly<Record<SlaRuleId, string>> = {
  cash_not_handed_over: 'Cash not handed over',
  document_not_posted: 'Cash document not posted in 1C',
  advance_not_reported: 'Advance not reported',
  cash_on_hand_over_limit: 'Cash on hand over the limit',
  cod_mismatch: 'Collected COD differs from expected',
  posted_amount_mismatch: 'Posted amount differs from submitted',
  confirmation_not_acknowledged: 'Delivery confirmation not acknowledged by 1C',
  dead_letters_waiting: 'Dead letters waiting',
  sync_lag: 'Sync lag',
};

const UNIT_SUFFIX: Readonly<Record<(typeof SLA_RULE_UNITS)[SlaRuleId], string>> = {
  hours: 'h',
  minutes: 'min',
  days: 'd',
  roubles: 'RUB',
};

/** A value or a limit of a rule with its unit, as an operator reads it: `9.5 h`, `1500.00 RUB`. */
export function withUnit(rule: SlaRuleId, value: string): string {
  return `${value} ${UNIT_SUFFIX[SLA_RULE_UNITS[rule]]}`;
}

/** Durations take up to 2 decimals (`1.5` hours); amounts are roubles with kopecks. */
const THRESHOLD = { duration: /^\d{1,6}(\.\d{1,2})?$/, roubles: /^\d{1,13}(\.\d{1,2})?$/ };
const CHANNEL = /^[a-z][a-z0-9_-]{0,49}$/;

export function isSlaRule(value: unknown): value is SlaRuleId {
  return typeof value === 'string' && (SLA_RULES as readonly string[]).includes(value);
}

/**
 * The rule book from a rules file's parsed JSON over the defaults: `{ "rules": { "<rule>": { threshold, severity,
 * channels, enabled } } }`, every key optional. Every mistake is reported (the file's name prefixed by the caller),
 * and the defaults stand in for the parts that were wrong.
 */
export function parseSlaRules(raw: unknown, problem: (message: string) => void): SlaRuleBook {
  const book: Record<SlaRuleId, SlaRuleSettings> = { ...DEFAULT_SLA_RULES };
  if (!isObject(raw) || Object.keys(raw).some((key) => key !== 'rules') || !isObject(raw.rules ?? {})) {
    problem('must be a JSON object { "rules": { "<rule>": { ... } } }');
    return book;
  }
  for (const [id, settings] of Object.entries((raw.rules ?? {}) as Record<string, unknown>)) {
    if (!isSlaRule(id)) {
      problem(`names an unknown rule "${id}" (known: ${SLA_RULES.join(', ')})`);
      continue;
    }
    const parsed = parseRule(id, settings, (message) => problem(`rule ${id}: ${message}`));
    book[id] = { ...book[id], ...parsed };
  }
  return book;
}

function parseRule(id: SlaRuleId, raw: unknown, problem: (message: string) => void): Partial<SlaRuleSettings> {
  if (!isObject(raw)) {
    problem('must be an object');
    return {};
  }
  const known = ['enabled', 'threshold', 'severity', 'channels'];
  for (const key of Object.keys(raw).filter((name) => !known.includes(name))) {
    problem(`unknown setting "${key}" (known: ${known.join(', ')})`);
  }
  const settings: { -readonly [K in keyof SlaRuleSettings]?: SlaRuleSettings[K] } = {};
  if (raw.enabled !== undefined) {
    if (typeof raw.enabled === 'boolean') {
      settings.enabled = raw.enabled;
    } else {
      problem('enabled must be true or false');
    }
  }
  if (raw.threshold !== undefined) {
    const unit = SLA_RULE_UNITS[id];
    const pattern = unit === 'roubles' ? THRESHOLD.roubles : THRESHOLD.duration;
    if (typeof raw.threshold === 'string' && pattern.test(raw.threshold)) {
      settings.threshold = raw.threshold;
    } else {
      problem(`threshold must be a non-negative decimal string in ${unit} (e.g. "${DEFAULT_SLA_RULES[id].threshold}")`);
    }
  }
  if (raw.severity !== undefined) {
    if ((SLA_SEVERITIES as readonly unknown[]).includes(raw.severity)) {
      settings.severity = raw.severity as SlaSeverity;
    } else {
      problem(`severity must be one of ${SLA_SEVERITIES.join(', ')}`);
    }
  }
  if (raw.channels !== undefined) {
    if (Array.isArray(raw.channels) && raw.channels.every((name) => typeof name === 'string' && CHANNEL.test(name))) {
      settings.channels = raw.channels as string[];
    } else {
      problem('channels must be a list of channel names (lower-case letters, digits, - and _)');
    }
  }
  return settings;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
