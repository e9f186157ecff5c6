export type AlertSeverity = 'info' | 'warning' | 'critical';

export const ALERT_SEVERITIES: readonly AlertSeverity[] = ['info', 'warning', 'critical'];

/** A deviation opening or resolving, as the chat channels are told about it. */
export interface Alert {
  /** What the alert is about (a deviation's id): its opening and its resolution share it. */
  readonly id: string;
  readonly transition: 'opened' | 'resolved';
  /** The SLA rule, e.g. `cash_not_handed_over`. */
  readonly rule: string;
  readonly severity: AlertSeverity;
  /** What, in one short line: "Cash not handed over". */
  readonly title: string;
  /** Who: a courier's name or a document's number; never other personal data, never a secret. */
  readonly subject: string;
  /** How much, with its unit ("1500.00 RUB", "9.5 h"), and the limit it broke; null where neither applies. */
  readonly value: string | null;
  readonly limit: string | null;
  /** Since when the condition held. */
  readonly since: Date;
  /** The admin API path to look at (the notifier prefixes the public base URL). */
  readonly link: string;
  /** The rule's own channels, where its settings name them; otherwise the alert is routed by severity. */
  readonly channels?: readonly string[];
}

/**
 * Port: tells the chat channels about alerts. Publishes through the outbox in the caller's transaction, so an alert
 * goes out only if the change that raised it commits, and an outage of Slack or Telegram delays it, never loses it.
 */
export abstract class AlertPublisher {
  abstract publish(alerts: readonly Alert[]): Promise<void>;
}
