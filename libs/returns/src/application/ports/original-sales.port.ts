import type { OriginalSale, OriginalSaleRef } from '../../domain/return';

/**
 * Port: the sales a return may undo, read from the modules that own them: a delivery delivered in full or in part
 * (what the customer took), or an instant order 1C posted.
 */
export abstract class OriginalSales {
  /** The sale as sold, or why it cannot be returned against (unknown, or not in a state that sold anything). */
  abstract find(ref: OriginalSaleRef): Promise<OriginalSale | { readonly refused: string }>;
}
