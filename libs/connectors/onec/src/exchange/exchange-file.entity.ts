import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ExchangeSessionEntity } from './exchange-session.entity';

/** `xml`: a CommerceML file to import; `archive`: a zip 1C sent with `zip=yes`; `image`: under `import_files/`. */
export type ExchangeFileRole = 'xml' | 'archive' | 'image';

/**
 * - `uploading`: parts are being appended (1C never says which part is the last);
 * - `received`: extracted from an archive, complete, waiting for `mode=import`;
 * - `unpacking` / `unpacked`: an archive being, or already, extracted into the session's folder;
 * - `importing`: parsed in steps; `recordsDone` is the checkpoint;
 * - `done`: every record delivered; `failed`: refused or broken, see `error`.
 */
export type ExchangeFilePhase = 'uploading' | 'received' | 'unpacking' | 'unpacked' | 'importing' | 'done' | 'failed';

/** One file of an exchange session: uploaded directly, or extracted from an uploaded archive. */
@Entity({ name: 'onec_exchange_files' })
@Index('uq_onec_exchange_files_name', ['sessionId', 'name'], { unique: true })
export class ExchangeFileEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'uuid' })
  sessionId!: string;

  @ManyToOne(() => ExchangeSessionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id' })
  session?: ExchangeSessionEntity;

  /** Sanitised relative path, `/`-separated (`import0_1.xml`, `import_files/bd/….jpg`). */
  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  role!: ExchangeFileRole;

  /** The archive it came out of, null when uploaded directly. */
  @Column({ type: 'text', nullable: true })
  archive!: string | null;

  @Column({ type: 'text' })
  phase!: ExchangeFilePhase;

  /** Bytes committed to disk; a part that broke off half-way is cut back to this on the next write. */
  @Column({ type: 'bigint', default: 0 })
  bytes!: string;

  @Column({ type: 'integer', default: 0 })
  parts!: number;

  /** How far the parser has read, for progress only (the checkpoint is `recordsDone`). */
  @Column({ type: 'bigint', default: 0 })
  bytesParsed!: string;

  /**
   * The import checkpoint: records (in document order) already delivered to the ports. It advances in the same
   * transaction as the delivery, so a resumed import skips exactly what was delivered.
   */
  @Column({ type: 'integer', default: 0 })
  recordsDone!: number;

  /** What the content turned out to be (`import`, `offers`, `documents`, …), once parsed. */
  @Column({ type: 'text', nullable: true })
  documentKind!: string | null;

  /** Records per kind in the whole file, once parsed. */
  @Column({ type: 'jsonb', nullable: true })
  counts!: Record<string, number> | null;

  /** Import steps in a row that failed for a reason that may pass (a port error); reset by a good step. */
  @Column({ type: 'integer', default: 0 })
  failedSteps!: number;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
