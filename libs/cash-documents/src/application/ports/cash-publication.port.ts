import type { CashRefundSettledData } from '../../cash-events';
import type { CashDocument } from '../../domain/cash-document';

/**
 * Port: a cash document's way to 1C. `queue` runs in the transaction of its submission and hands it to the worker;
 * `send` runs there and gives it to 1C (its HTTP service where one is configured, its pull feed either way).
 * `refundSettled` runs in the transaction of a posting and tells the returns that a return's refund is settled.
 */
export abstract class CashPublication {
  abstract queue(document: CashDocument): Promise<void>;
  abstract send(document: CashDocument, courierName: string | null): Promise<void>;
  abstract refundSettled(settlement: CashRefundSettledData): Promise<void>;
}
