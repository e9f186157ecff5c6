import type { Deviation } from '../../domain/deviation';

/**
 * Port: tells the operators' channels a deviation opened or resolved, once each, in the transaction that opened or
 * resolved it (so a rolled-back evaluation announces nothing).
 */
export abstract class DeviationAlerts {
  abstract announce(
    transitions: readonly { readonly transition: 'opened' | 'resolved'; readonly deviation: Deviation }[],
  ): Promise<void>;
}
