import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type ExchangeType = 'catalog' | 'sale';

/**
 * - `open`: authenticated (`checkauth`), receiving `init`, files, queries;
 * - `importing`: at least one `mode=import` step ran;
 * - `completed`: 1C said `mode=complete`, or the session went idle with every file imported and nothing failed;
 * - `failed`: refused input or an import error; every later call of this session answers `failure` with the reason;
 * - `expired`: went idle before its files were imported.
 */
export type ExchangeSessionState = 'open' | 'importing' | 'completed' | 'failed' | 'expired';

export const LIVE_SESSION_STATES: readonly ExchangeSessionState[] = ['open', 'importing'];

/** Which orders a `sale/query` reply carried, so that `sale/success` marks exactly those as exported. */
export interface SaleQueryRecord {
  readonly queriedAt: string;
  readonly refs: { readonly id: string; readonly version: string }[];
}

/**
 * One 1C exchange run, from `checkauth` to its last call. Kept in PostgreSQL so that an API restart, or a request
 * landing on another replica, continues the run where it stood.
 */
@Entity({ name: 'onec_exchange_sessions' })
@Index('idx_onec_exchange_sessions_listing', ['createdAt', 'id'])
@Index('idx_onec_exchange_sessions_live', ['expiresAt'], { where: "state IN ('open', 'importing')" })
@Index('idx_onec_exchange_sessions_login', ['login', 'type', 'createdAt'])
export class ExchangeSessionEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  type!: ExchangeType;

  @Column({ type: 'text' })
  state!: ExchangeSessionState;

  @Column({ type: 'text' })
  login!: string;

  /** SHA-256 of the cookie value 1C presents; the value itself is never stored. */
  @Column({ type: 'text', unique: true })
  cookieHash!: string;

  /** The `sessid` of the `checkauth` reply; 1C appends it to later URLs. */
  @Column({ type: 'text' })
  sessid!: string;

  /** Once a request carried the right `sessid`, requests without it are refused (as 1C-Bitrix does). */
  @Column({ type: 'boolean', default: false })
  sessidSeen!: boolean;

  @Column({ type: 'text', nullable: true })
  remoteAddress!: string | null;

  @Column({ type: 'text', nullable: true })
  userAgent!: string | null;

  /** `version` sent on `init` (`2.08` from УТ 11); on `sale`, its presence selects the file-then-import flow. */
  @Column({ type: 'text', nullable: true })
  clientVersion!: string | null;

  @Column({ type: 'boolean', default: false })
  initialized!: boolean;

  @Column({ type: 'bigint', default: 0 })
  bytesUploaded!: string;

  /** XML files and archives received (images are counted separately). */
  @Column({ type: 'integer', default: 0 })
  filesUploaded!: number;

  @Column({ type: 'integer', default: 0 })
  imagesStored!: number;

  @Column({ type: 'integer', default: 0 })
  imagesSkipped!: number;

  /** Records delivered to the ports, counted in the transactions that deliver them. */
  @Column({ type: 'bigint', default: 0 })
  recordsImported!: string;

  @Column({ type: 'integer', default: 0 })
  ordersExported!: number;

  @Column({ type: 'jsonb', nullable: true })
  saleQuery!: SaleQueryRecord | null;

  @Column({ type: 'text', nullable: true })
  failureCode!: string | null;

  @Column({ type: 'text', nullable: true })
  failureReason!: string | null;

  /** The process that runs this session's import step (or unpacks its archive) right now, and until when. */
  @Column({ type: 'text', nullable: true })
  leaseOwner!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  leaseUntil!: Date | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  lastSeenAt!: Date;

  @Column({ type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  /** When the session's folder in the work area was deleted. */
  @Column({ type: 'timestamptz', nullable: true })
  workAreaRemovedAt!: Date | null;
}
