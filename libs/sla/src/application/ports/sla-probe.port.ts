/**
 * The SLA rules the middleware watches. Each has a threshold in its own unit (see `SLA_RULE_UNITS`), a severity and
 * the channels its alerts go to, read from the rules file at boot; each is checked by the one probe that owns it.
 */
export const SLA_RULES = [
  /** Cash collected from customers not handed over at a cash desk within N hours. */
  'cash_not_handed_over',
  /** A cash document not posted by 1C within M minutes of `sent_to_1c`. */
  'document_not_posted',
  /** An advance not reported (advance report) within D days of its issue. */
  'advance_not_reported',
  /** A courier's cash on hand above a limit (roubles). */
  'cash_on_hand_over_limit',
  /** The cash collected on a delivery differs from what its delivered goods call for by more than a tolerance. */
  'cod_mismatch',
  /** The amount 1C posted differs from the amount submitted by more than a tolerance. */
  'posted_amount_mismatch',
  /** A delivery's execution confirmation not acknowledged by 1C within K minutes. */
  'confirmation_not_acknowledged',
  /** Dead letters waiting longer than X minutes. */
  'dead_letters_waiting',
  /** Events to Bitrix24 or 1C waiting in the outbox longer than Y minutes. */
  'sync_lag',
] as const;

export type SlaRuleId = (typeof SLA_RULES)[number];

/** The unit of a rule's threshold: a duration, or an amount of roubles as a decimal string. */
export const SLA_RULE_UNITS: Readonly<Record<SlaRuleId, 'hours' | 'minutes' | 'days' | 'roubles'>> = {
  cash_not_handed_over: 'hours',
  document_not_posted: 'minutes',
  advance_not_reported: 'days',
  cash_on_hand_over_limit: 'roubles',
  cod_mismatch: 'roubles',
  posted_amount_mismatch: 'roubles',
  confirmation_not_acknowledged: 'minutes',
  dead_letters_waiting: 'minutes',
  sync_lag: 'minutes',
};

/** One thing in breach of a rule now. */
export interface Breach {
  /** Stable key of what is in breach within the rule, e.g. `courier:<id>`, `cash-document:<id>`, `destination:onec`. */
  readonly subject: string;
  /** Who or what, as an operator reads it: a courier's name, a document's number; no other personal data. */
  readonly label: string;
  /** The courier it is about, for the per-courier SLA report; null for the platform's rules. */
  readonly courierId: string | null;
  /** What was observed, in the rule's unit as a decimal string (e.g. `7.5` hours, `1500.00` roubles). */
  readonly value: string;
  /** Since when the condition holds (the cash's collection, the document's sending, the oldest dead letter). */
  readonly since: Date;
  /** The admin API path of the resource to look at, e.g. `/api/v1/couriers/<id>/cash`. */
  readonly link: string;
}

export interface ProbeContext {
  /** The instant the whole evaluation agrees on (the injectable clock's). */
  readonly now: Date;
  /** The rule's threshold in its unit, a decimal string from the rules file. */
  readonly threshold: string;
}

/**
 * Port: the check of one rule, provided by the lib that owns the data it reads (cash rules by cash documents,
 * confirmations by deliveries, the backbone's by the SLA lib itself). A class extending this one, in any module of
 * the app, is found at start-up; the rules file's thresholds reach it through {@link ProbeContext}.
 *
 * `breaches` returns everything in breach right now (a snapshot, not a change list): the monitor opens a deviation
 * for a new subject, updates one still in breach and resolves one no longer returned. It only reads.
 */
export abstract class SlaProbe {
  abstract readonly rule: SlaRuleId;
  abstract breaches(context: ProbeContext): Promise<Breach[]>;
}
