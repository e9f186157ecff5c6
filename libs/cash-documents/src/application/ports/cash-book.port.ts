import type { LedgerAccount, SettledType } from '../../domain/cash-document';

export interface Holding {
  readonly courierId: string;
  readonly account: LedgerAccount;
  /** Signed roubles, a decimal string. */
  readonly amount: string;
}

/** A sale's cash the courier took: open until a posted ПКО settles it. */
export interface Collection {
  readonly type: Extract<SettledType, 'delivery' | 'instant_order'>;
  readonly id: string;
  readonly number: string;
  readonly courierId: string;
  readonly amount: string;
  readonly expected: string;
  readonly collectedAt: Date;
  readonly version: number;
  readonly settledBy: string | null;
  readonly settledAt: Date | null;
}

/** One line of the ledger: append-only; a balance is the sum of its entries, never an edited number. */
export interface LedgerEntry {
  /** What makes the entry once and only once: a replayed input finds its key taken and adds nothing. */
  readonly key: string;
  readonly courierId: string;
  readonly account: LedgerAccount;
  /** Signed roubles: plus is more the courier answers for. */
  readonly amount: string;
  /** The document that moved it: a cash document, or the sale whose cash was collected. */
  readonly documentType: SettledType;
  readonly documentId: string;
  readonly occurredAt: Date;
}

export interface CourierBalance {
  readonly courierId: string;
  readonly cashOnHand: string;
  readonly advances: string;
  /** Since when the oldest cash not handed over waits; null when none waits. */
  readonly oldestOpenCollectionAt: Date | null;
}

/** Port: the couriers' ledger and their open collections. Runs in the caller's `UnitOfWork`. */
export abstract class CashBook {
  /** Serialises every change of one courier's money (held to the end of the transaction). */
  abstract lockCourier(courierId: string): Promise<void>;
  abstract collection(type: Collection['type'], id: string): Promise<Collection | undefined>;
  abstract saveCollection(collection: Collection): Promise<void>;
  abstract openCollections(courierId: string): Promise<Collection[]>;
  /** What one document's entries hold, per courier and account, and how many entries it has in all. */
  abstract heldFor(
    documentType: SettledType,
    documentId: string,
  ): Promise<{ readonly count: number; readonly held: readonly Holding[] }>;
  /** Appends; an entry whose key is taken is left out. Returns how many were written. */
  abstract append(entries: readonly LedgerEntry[]): Promise<number>;
  abstract balance(courierId: string): Promise<CourierBalance>;
  /** Every courier with ledger entries, by courier id, after `after`. */
  abstract balances(query: { readonly after?: string; readonly limit: number }): Promise<CourierBalance[]>;
}
