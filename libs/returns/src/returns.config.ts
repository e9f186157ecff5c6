import { type EnvReader, ExactDecimal, MONEY_SCALE, registerConfigSection } from '@app/core';

/** The auto-approval rule: which returns need no operator. */
export interface ReturnsSettings {
  /** Reasons a return may be approved for without an operator; empty turns the rule off. */
  readonly autoApproveReasons: readonly string[];
  /** The largest refund approved without an operator (decimal string); null turns the rule off. */
  readonly autoApproveMaxRefund: string | null;
}

export function readReturnsConfig(read: EnvReader): ReturnsSettings {
  const maxRefund = read.optionalString('RETURNS_AUTO_APPROVE_MAX_REFUND');
  if (maxRefund !== undefined && !ExactDecimal.fits(maxRefund, MONEY_SCALE)) {
    read.problem(`RETURNS_AUTO_APPROVE_MAX_REFUND must be an amount such as 1500.00, got "${maxRefund}"`);
  }
  return {
    autoApproveReasons: read.list('RETURNS_AUTO_APPROVE_REASONS'),
    autoApproveMaxRefund: maxRefund ?? null,
  };
}

declare module '@app/core' {
  interface ConfigSections {
    /** The returns' section. */
    readonly returns: ReturnsSettings;
  }
}

registerConfigSection('returns', readReturnsConfig);
