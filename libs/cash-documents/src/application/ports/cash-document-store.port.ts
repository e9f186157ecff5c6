import type { CashDocument, CashOperation, SettledType } from '../../domain/cash-document';
import type { CashDocumentStatus } from '../../domain/cash-document-status';

export interface CashDocumentListQuery {
  readonly courierId?: string;
  readonly status?: CashDocumentStatus;
  readonly operation?: CashOperation;
  readonly settles?: { readonly type: SettledType; readonly id: string };
  readonly createdFrom?: Date;
  readonly createdTo?: Date;
  readonly before?: { readonly createdAt: string; readonly id: string };
  readonly limit: number;
}

/** Port: the cash documents. Runs in the caller's `UnitOfWork`. */
export abstract class CashDocumentStore {
  abstract byId(id: string, options?: { readonly lock?: boolean }): Promise<CashDocument | undefined>;
  abstract byOriginKey(originKey: string): Promise<CashDocument | undefined>;
  abstract insert(document: Omit<CashDocument, 'number'>): Promise<CashDocument>;
  /** Writes `document` over the version before it (`document.version - 1`); another version is a lost update. */
  abstract update(document: CashDocument): Promise<void>;
  abstract list(query: CashDocumentListQuery): Promise<CashDocument[]>;
  /** A courier's live documents (not cancelled) that settle any of these records. */
  abstract settling(
    courierId: string,
    records: readonly { readonly type: SettledType; readonly id: string }[],
  ): Promise<CashDocument[]>;
  /** The live documents that close this advance (its reports and its unspent rests). */
  abstract closing(advanceId: string): Promise<CashDocument[]>;
  /** A courier's documents not posted yet and not cancelled, oldest first. */
  abstract open(courierId: string): Promise<CashDocument[]>;
}
