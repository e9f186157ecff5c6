import type { CommerceMlDocumentKind, CommerceMlRecord, DocumentRecord, ParseSummary } from '../commerceml';

/** Where a delivery comes from: one file of one exchange session. */
export interface ExchangeFileRef {
  /** The exchange session (`GET /api/v1/admin/exchange-sessions`). */
  readonly exchangeSessionId: string;
  /** The file's sanitised name in the exchange (`import0_1.xml`, or a path inside the uploaded archive). */
  readonly fileName: string;
}

/** Catalog records of one batch: everything the parser emits except `document`. */
export type CatalogRecord = Exclude<CommerceMlRecord, DocumentRecord>;

export interface CatalogBatch extends ExchangeFileRef {
  /**
   * Records in document order. Ordinals are those of the whole file (records of other kinds, such as documents,
   * leave gaps), so `(exchangeSessionId, fileName, ordinal)` identifies a record for good.
   */
  readonly records: readonly CatalogRecord[];
}

export interface ImportedFileSummary extends ExchangeFileRef {
  /** What the file turned out to be, from its content: `import`, `offers`, `prices`, `rests`, `classifier`, … */
  readonly documentKind: CommerceMlDocumentKind;
  /**
   * True only for an explicit `СодержитТолькоИзменения="false"`: the file is a full snapshot, and what it does not
   * mention may be deactivated. A missing attribute means a partial upload.
   */
  readonly isFullSnapshot: boolean;
  readonly schemaVersion: string | null;
  readonly counts: ParseSummary['counts'];
  readonly totalRecords: number;
}

export interface CatalogExchangeFinished {
  readonly exchangeSessionId: string;
  /**
   * `deactivate`: 1C (the 1C-Bitrix module) asks to deactivate what this full exchange did not touch since
   * `since`; `complete`: the catalog exchange is over.
   */
  readonly mode: 'deactivate' | 'complete';
  /** `timestamp` of `mode=deactivate` (Unix seconds from 1C), when given. */
  readonly since: Date | null;
}

/**
 * Port: receives the catalog that 1C uploads through the CommerceML exchange (groups, properties, units, price
 * types, warehouses, products, offers with prices and stock). It has exactly one owner, the master-data module:
 * the catalog is master data, and two owners would each see only part of what a full upload deactivates.
 * Unlike the sale ports it is not a fan-in.
 *
 * **Delivery is "once" by checkpoint.** Each {@link deliver} runs inside the transaction that advances the file's
 * record checkpoint (`UnitOfWork`): write through `UnitOfWork.manager` and your writes commit or roll back with the
 * checkpoint, so a resumed import (after an API restart, or on another replica) neither skips nor repeats a
 * record. An implementation that calls another system instead must be idempotent on the 1C `Ид` (plus package)
 * itself, because a transaction that fails after that call is retried.
 *
 * Bind it by providing a class that extends this one in any module of the app (`providers: [MasterDataCatalogSink]`
 * or `{ provide: CatalogImportSink, useClass: … }`); the connector finds it at start-up. Two bound sinks stop the
 * start-up. With none, a stand-in counts and logs the records; in production that stops the start-up while the
 * exchange is configured (`ONEC_EXCHANGE_LOGIN`), because 1C would be told `success` for a catalog nobody keeps.
 */
export abstract class CatalogImportSink {
  /**
   * One batch of records in document order (at most 1000). Throwing rolls the batch back; the exchange
   * answers `progress` and retries it on 1C's next `mode=import` call, and fails the session after three failures
   * in a row.
   */
  abstract deliver(batch: CatalogBatch): Promise<void>;

  /** The whole file was delivered; runs once per file, in the transaction that marks it done. */
  abstract fileCompleted(file: ImportedFileSummary): Promise<void>;

  /** `mode=deactivate` or `mode=complete` of the catalog exchange. */
  abstract exchangeFinished(event: CatalogExchangeFinished): Promise<void>;
}
