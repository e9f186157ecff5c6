import type { Return } from '../../domain/return';

/**
 * Port: how a received return reaches 1C beyond the CommerceML exchange: pushed through the outbox where 1C publishes
 * an HTTP service, in the return's transaction; otherwise it waits for 1C's `sale/query`.
 */
export abstract class ReturnPublication {
  abstract readonly pushes: boolean;

  abstract push(entry: Return): Promise<void>;

  /** The courier paid cash back at the door: the cash documents raise the disbursement, in the pick-up's transaction. */
  abstract cashRefunded(entry: Return): Promise<void>;
}
