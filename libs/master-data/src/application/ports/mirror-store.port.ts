import type { MasterDataKind } from '../../domain/master-data-kind';
import type { MirrorRow, MirrorSource, MirrorWrite } from '../../domain/mirror-records';
import type { StoredVersion } from '../../domain/versioning';

/** A write the version rules accepted, with its content hash. */
export interface AcceptedWrite {
  readonly write: MirrorWrite;
  readonly contentHash: string;
}

/** Filters of the change-ordered list; each kind honours those that apply to it (the HTTP layer checks which). */
export interface MirrorListQuery {
  readonly limit: number;
  readonly after?: { readonly changeTx: string; readonly id: string };
  readonly updatedAfter?: Date;
  readonly includeDeleted: boolean;
  readonly groupId?: string;
  readonly warehouseId?: string;
  readonly priceTypeId?: string;
  readonly productId?: string;
  readonly inn?: string;
  /** Name contains (case-insensitive), or article / barcode / code equals. */
  readonly search?: string;
}

export interface MirrorListPosition {
  readonly changeTx: string;
  readonly id: string;
}

export interface FeedCursor {
  readonly kind: MasterDataKind;
  readonly source: MirrorSource;
  readonly lastVersion: string | null;
  readonly lastVersionSeq: string;
  readonly lastReceivedAt: Date;
  readonly lastChangedAt: Date | null;
  readonly received: number;
  readonly changed: number;
  readonly rejected: number;
}

/**
 * Port: the mirror's tables. Every method runs in the ambient transaction (`UnitOfWork`), so a batch's rows, its
 * events and the exchange's checkpoint commit together.
 */
export abstract class MirrorStore {
  /** The stored versions of these rows, locked until the transaction ends (one writer per row at a time). */
  abstract lockVersions(kind: MasterDataKind, onecIds: readonly string[]): Promise<Map<string, StoredVersion>>;

  /** Which of these ids the mirror holds, in any state. */
  abstract existing(kind: MasterDataKind, onecIds: readonly string[]): Promise<Set<string>>;

  /** Which of these ids the mirror holds in use: neither marked deleted nor left out of a full snapshot. */
  abstract active(kind: MasterDataKind, onecIds: readonly string[]): Promise<Set<string>>;

  /** Which of these products the mirror holds as goods (a `Товар`), which offers must not overwrite. */
  abstract existingGoods(onecIds: readonly string[]): Promise<Set<string>>;

  /**
   * Inserts or updates the rows in one statement; a row that a concurrent transaction moved past the write's version
   * is left alone. Returns the ids of the rows written, by 1C id.
   */
  abstract upsert(kind: MasterDataKind, writes: readonly AcceptedWrite[]): Promise<Map<string, string>>;

  abstract get(kind: MasterDataKind, idOrOnecId: string): Promise<MirrorRow | undefined>;

  /** The row the Bitrix24 entity of this id copies (a company or contact for a counterparty), if any. */
  abstract byBitrixId(kind: MasterDataKind, bitrixId: string): Promise<MirrorRow | undefined>;

  /** Rows of one kind in change order (oldest change first), `limit + 1` of them (see `toPage`). */
  abstract list(
    kind: MasterDataKind,
    query: MirrorListQuery,
  ): Promise<{ row: MirrorRow; position: MirrorListPosition }[]>;

  /** Remembers that an exchange delivered these rows (for the deactivation after a full snapshot). */
  abstract touch(exchangeSessionId: string, kind: MasterDataKind, onecIds: readonly string[]): Promise<void>;

  /**
   * Deactivates every active row of `kind` the exchange did not touch; `origin` narrows products to goods (what a
   * goods file covers) or offer variants (what an offers file covers). Returns the 1C ids deactivated.
   */
  abstract deactivateUntouched(
    exchangeSessionId: string,
    kind: MasterDataKind,
    origin?: 'goods' | 'offer',
  ): Promise<string[]>;

  abstract forgetTouches(exchangeSessionId: string): Promise<void>;

  abstract recordFeed(
    kind: MasterDataKind,
    source: MirrorSource,
    progress: { received: number; changed: number; rejected: number; newest?: { version: string; versionSeq: bigint } },
  ): Promise<void>;

  abstract feedCursors(): Promise<FeedCursor[]>;
}
