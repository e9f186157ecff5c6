import { type EnvReader, registerConfigSection } from '@app/core';

/** How the deliveries chase 1C's acknowledgement of their outcomes. */
export interface DeliveriesSettings {
  /** An outcome 1C has not acknowledged for this long is overdue: listed to admins and counted apart. */
  readonly ackOverdueMs: number;
  /** The first re-send of an unacknowledged confirmation after this long; each next one waits twice as long. */
  readonly confirmationResendMs: number;
  /** How often the worker looks for confirmations to re-send; 0 turns the re-sending off. */
  readonly resendCheckMs: number;
}

/** Re-sends never wait longer than a day apart. */
export const MAX_RESEND_INTERVAL_MS = 24 * 60 * 60_000;

export function readDeliveriesConfig(read: EnvReader): DeliveriesSettings {
  return {
    ackOverdueMs: read.int('DELIVERIES_ACK_OVERDUE_MINUTES', 120, { min: 1, max: 7 * 24 * 60 }) * 60_000,
    confirmationResendMs: read.int('DELIVERIES_CONFIRMATION_RESEND_MINUTES', 30, { min: 1, max: 24 * 60 }) * 60_000,
    resendCheckMs: read.int('DELIVERIES_RESEND_CHECK_MINUTES', 5, { min: 0, max: 24 * 60 }) * 60_000,
  };
}

declare module '@app/core' {
  interface ConfigSections {
    /** The deliveries' section. */
    readonly deliveries: DeliveriesSettings;
  }
}

registerConfigSection('deliveries', readDeliveriesConfig);
