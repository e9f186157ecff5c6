import type { FieldError } from '@app/core';
import type { Return } from '../../domain/return';

/**
 * Port: the courier's smart-process item of a return started in Bitrix24. The item follows the return: its stage is
 * the return's status (the middleware leads it). Every call publishes in the caller's transaction.
 */
export abstract class ReturnBoard {
  /** Shows the return on its item; `adopt` makes the item the courier created in the portal ours first. */
  abstract show(entry: Return, options?: { readonly adopt?: boolean }): Promise<void>;

  /** The item broke the rules: it moves to the rejected stage with the reasons, and no return exists. */
  abstract refuse(returnId: string, bitrixId: string, errors: readonly FieldError[]): Promise<void>;
}
