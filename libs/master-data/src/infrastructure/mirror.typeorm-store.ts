import { randomUUID } from 'node:crypto';
import { UnitOfWork } from '@app/core';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityMetadata } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';
import {
  type AcceptedWrite,
  type FeedCursor,
  type MirrorListPosition,
  type MirrorListQuery,
  MirrorStore,
} from '../application/ports/mirror-store.port';
import type { MasterDataKind } from '../domain/master-data-kind';
import type { KindData, MirrorRow, MirrorSource } from '../domain/mirror-records';
import type { StoredVersion } from '../domain/versioning';
import { FeedCursorEntity, ImportTouchEntity } from './bookkeeping.entities';
import { MIRROR_ENTITY_OF } from './mirror.entities';
import { MirrorRowEntity } from './mirror-row.entity';

/** The shared columns; everything else on a kind's entity is its content. */
const BASE_PROPERTIES: ReadonlySet<string> = new Set([
  'id',
  'onecId',
  'version',
  'versionSeq',
  'contentHash',
  'deleted',
  'deactivated',
  'source',
  'bitrixId',
  'bitrixHash',
  'changeTx',
  'createdAt',
  'updatedAt',
] satisfies (keyof MirrorRowEntity)[]);

interface KindTable {
  readonly name: string;
  readonly content: readonly ColumnMetadata[];
  /** `jsonb_to_recordset` column list of an upsert: the written base columns, then the content. */
  readonly recordset: string;
  readonly insertColumns: string;
  readonly updateSet: string;
}

/** Rows changed by transactions still running are not shown yet (see MirrorRowEntity.changeTx). */
const VISIBLE = 'change_tx < pg_snapshot_xmin(pg_current_snapshot())::text::bigint';

/**
 * The mirror in PostgreSQL. Batches are written with one `INSERT … SELECT FROM jsonb_to_recordset(…) ON CONFLICT`
 * per kind (one round trip for up to 1,000 rows, decimals passed as text into `numeric` columns), guarded so that a
 * row never moves back to an older version even against a concurrent writer.
 */
@Injectable()
export class TypeormMirrorStore extends MirrorStore {
  private readonly tables = new Map<MasterDataKind, KindTable>();

  constructor(
    private readonly unitOfWork: UnitOfWork,
    dataSource: DataSource,
  ) {
    super();
    for (const [kind, entity] of Object.entries(MIRROR_ENTITY_OF) as [MasterDataKind, new () => MirrorRowEntity][]) {
      this.tables.set(kind, describe(dataSource.getMetadata(entity)));
    }
  }

  private table(kind: MasterDataKind): KindTable {
    return this.tables.get(kind)!;
  }

  private query<T>(sql: string, parameters: unknown[]): Promise<T[]> {
    return this.unitOfWork.manager.query(sql, parameters);
  }

  async lockVersions(kind: MasterDataKind, onecIds: readonly string[]): Promise<Map<string, StoredVersion>> {
    if (onecIds.length === 0) {
      return new Map();
    }
    // Sorted, so two batches touching the same rows lock them in the same order and cannot deadlock.
    const rows = await this.query<{
      onec_id: string;
      version_seq: string;
      content_hash: string;
      deleted: boolean;
      deactivated: boolean;
    }>(
      `SELECT onec_id, version_seq, content_hash, deleted, deactivated FROM ${this.table(kind).name}
        WHERE onec_id = ANY($1::text[]) ORDER BY onec_id FOR UPDATE`,
      [[...onecIds]],
    );
    return new Map(
      rows.map((row) => [
        row.onec_id,
        {
          versionSeq: BigInt(row.version_seq),
          contentHash: row.content_hash,
          deleted: row.deleted,
          deactivated: row.deactivated,
        },
      ]),
    );
  }

  async existing(kind: MasterDataKind, onecIds: readonly string[]): Promise<Set<string>> {
    if (onecIds.length === 0) {
      return new Set();
    }
    const rows = await this.query<{ onec_id: string }>(
      `SELECT onec_id FROM ${this.table(kind).name} WHERE onec_id = ANY($1::text[])`,
      [[...onecIds]],
    );
    return new Set(rows.map((row) => row.onec_id));
  }

  async active(kind: MasterDataKind, onecIds: readonly string[]): Promise<Set<string>> {
    if (onecIds.length === 0) {
      return new Set();
    }
    const rows = await this.query<{ onec_id: string }>(
      `SELECT onec_id FROM ${this.table(kind).name}
        WHERE onec_id = ANY($1::text[]) AND NOT deleted AND NOT deactivated`,
      [[...onecIds]],
    );
    return new Set(rows.map((row) => row.onec_id));
  }

  async existingGoods(onecIds: readonly string[]): Promise<Set<string>> {
    if (onecIds.length === 0) {
      return new Set();
    }
    const rows = await this.query<{ onec_id: string }>(
      `SELECT onec_id FROM md_products WHERE onec_id = ANY($1::text[]) AND origin = 'goods'`,
      [[...onecIds]],
    );
    return new Set(rows.map((row) => row.onec_id));
  }

  async upsert(kind: MasterDataKind, writes: readonly AcceptedWrite[]): Promise<Map<string, string>> {
    const table = this.table(kind);
    const records = writes.map(({ write, contentHash }) => {
      const record: Record<string, unknown> = {
        id: randomUUID(),
        onec_id: write.onecId,
        version: write.version ?? contentHash,
        version_seq: write.versionSeq.toString(),
        content_hash: contentHash,
        deleted: write.deleted,
        source: write.source,
      };
      const data = write.data as unknown as Record<string, unknown>;
      for (const column of table.content) {
        record[column.databaseName] = data[column.propertyName] ?? null;
      }
      return record;
    });
    const rows = await this.query<{ onec_id: string; id: string }>(
      `INSERT INTO ${table.name} AS t (${table.insertColumns}, deactivated)
       SELECT ${table.insertColumns}, false FROM jsonb_to_recordset($1::jsonb) AS x(${table.recordset})
       ON CONFLICT (onec_id) DO UPDATE SET ${table.updateSet}, deactivated = false,
         change_tx = current_xact_id_bigint(), updated_at = now()
       WHERE t.version_seq <= EXCLUDED.version_seq
       RETURNING onec_id, id`,
      [JSON.stringify(records)],
    );
    return new Map(rows.map((row) => [row.onec_id, row.id]));
  }

  async get(kind: MasterDataKind, idOrOnecId: string): Promise<MirrorRow | undefined> {
    const table = this.table(kind);
    const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrOnecId);
    // A 1C GUID is a UUID too: our id is tried first, then the 1C id.
    const rows = await this.query<Record<string, unknown>>(
      isUuid
        ? `SELECT * FROM ${table.name} WHERE id = $1::uuid OR onec_id = $2 ORDER BY (id = $1::uuid) DESC LIMIT 1`
        : `SELECT * FROM ${table.name} WHERE onec_id = $1`,
      isUuid ? [idOrOnecId, idOrOnecId] : [idOrOnecId],
    );
    return rows[0] ? toRow(kind, table, rows[0]) : undefined;
  }

  async byBitrixId(kind: MasterDataKind, bitrixId: string): Promise<MirrorRow | undefined> {
    const table = this.table(kind);
    const rows = await this.query<Record<string, unknown>>(
      `SELECT * FROM ${table.name} WHERE bitrix_id = $1 ORDER BY deleted, deactivated LIMIT 1`,
      [bitrixId],
    );
    return rows[0] ? toRow(kind, table, rows[0]) : undefined;
  }

  async list(
    kind: MasterDataKind,
    query: MirrorListQuery,
  ): Promise<{ row: MirrorRow; position: MirrorListPosition }[]> {
    const table = this.table(kind);
    const where: string[] = [VISIBLE];
    const parameters: unknown[] = [];
    const param = (value: unknown) => {
      parameters.push(value);
      return `$${parameters.length}`;
    };
    if (query.after) {
      where.push(`(change_tx, id) > (${param(query.after.changeTx)}::bigint, ${param(query.after.id)}::uuid)`);
    }
    if (query.updatedAfter) {
      where.push(`updated_at > ${param(query.updatedAfter)}`);
    }
    if (!query.includeDeleted) {
      where.push('NOT deleted AND NOT deactivated');
    }
    where.push(...kindFilters(kind, query, param));
    const rows = await this.query<Record<string, unknown>>(
      `SELECT * FROM ${table.name} WHERE ${where.join(' AND ')} ORDER BY change_tx, id LIMIT ${param(query.limit + 1)}`,
      parameters,
    );
    return rows.map((raw) => ({
      row: toRow(kind, table, raw),
      position: { changeTx: String(raw.change_tx), id: String(raw.id) },
    }));
  }

  async touch(exchangeSessionId: string, kind: MasterDataKind, onecIds: readonly string[]): Promise<void> {
    if (onecIds.length > 0) {
      await this.query(
        `INSERT INTO md_import_touches (exchange_session_id, kind, onec_id)
         SELECT $1, $2, unnest($3::text[]) ON CONFLICT DO NOTHING`,
        [exchangeSessionId, kind, [...onecIds]],
      );
    }
  }

  async deactivateUntouched(
    exchangeSessionId: string,
    kind: MasterDataKind,
    origin?: 'goods' | 'offer',
  ): Promise<string[]> {
    const narrowing = origin === undefined ? '' : `AND t.origin = '${origin}'`;
    // TypeORM answers an UPDATE with [rows, count].
    const [rows] = await this.unitOfWork.manager.query<[{ onec_id: string }[], number]>(
      `UPDATE ${this.table(kind).name} t
          SET deactivated = true, change_tx = current_xact_id_bigint(), updated_at = now()
        WHERE NOT t.deactivated ${narrowing}
          AND NOT EXISTS (SELECT 1 FROM md_import_touches i
                           WHERE i.exchange_session_id = $1 AND i.kind = $2 AND i.onec_id = t.onec_id)
        RETURNING t.onec_id`,
      [exchangeSessionId, kind],
    );
    return rows.map((row) => row.onec_id);
  }

  async forgetTouches(exchangeSessionId: string): Promise<void> {
    await this.unitOfWork.manager.getRepository(ImportTouchEntity).delete({ exchangeSessionId });
  }

  async recordFeed(
    kind: MasterDataKind,
    source: MirrorSource,
    progress: { received: number; changed: number; rejected: number; newest?: { version: string; versionSeq: bigint } },
  ): Promise<void> {
    await this.query(
      `INSERT INTO md_feed_cursors AS c
              (kind, source, last_version, last_version_seq, last_received_at, last_changed_at, received, changed, rejected)
       VALUES ($1, $2, $3, $4, now(), CASE WHEN $6::bigint > 0 THEN now() END, $5, $6, $7)
       ON CONFLICT (kind, source) DO UPDATE SET
         last_version = CASE WHEN EXCLUDED.last_version IS NOT NULL AND EXCLUDED.last_version_seq >= c.last_version_seq
                             THEN EXCLUDED.last_version ELSE c.last_version END,
         last_version_seq = GREATEST(c.last_version_seq, EXCLUDED.last_version_seq),
         last_received_at = now(),
         last_changed_at = COALESCE(EXCLUDED.last_changed_at, c.last_changed_at),
         received = c.received + EXCLUDED.received,
         changed = c.changed + EXCLUDED.changed,
         rejected = c.rejected + EXCLUDED.rejected`,
      [
        kind,
        source,
        progress.newest?.version ?? null,
        (progress.newest?.versionSeq ?? 0n).toString(),
        progress.received,
        progress.changed,
        progress.rejected,
      ],
    );
  }

  async feedCursors(): Promise<FeedCursor[]> {
    const rows = await this.unitOfWork.manager
      .getRepository(FeedCursorEntity)
      .find({ order: { kind: 'ASC', source: 'ASC' } });
    return rows.map((row) => ({
      kind: row.kind,
      source: row.source,
      lastVersion: row.lastVersion,
      lastVersionSeq: row.lastVersionSeq,
      lastReceivedAt: row.lastReceivedAt,
      lastChangedAt: row.lastChangedAt,
      received: Number(row.received),
      changed: Number(row.changed),
      rejected: Number(row.rejected),
    }));
  }
}

function describe(metadata: EntityMetadata): KindTable {
  const content = metadata.columns.filter((column) => !BASE_PROPERTIES.has(column.propertyName));
  const written: [string, string][] = [
    ['id', 'uuid'],
    ['onec_id', 'text'],
    ['version', 'text'],
    ['version_seq', 'bigint'],
    ['content_hash', 'text'],
    ['deleted', 'boolean'],
    ['source', 'text'],
    ...content.map((column): [string, string] => [column.databaseName, sqlType(column)]),
  ];
  const names = written.map(([name]) => name);
  return {
    name: metadata.tableName,
    content,
    // Quoted: content columns may be SQL keywords (`values`, `type`).
    recordset: written.map(([name, type]) => `"${name}" ${type}`).join(', '),
    insertColumns: names.map((name) => `"${name}"`).join(', '),
    updateSet: names
      .filter((name) => name !== 'id' && name !== 'onec_id')
      .map((name) => `"${name}" = EXCLUDED."${name}"`)
      .join(', '),
  };
}

function sqlType(column: ColumnMetadata): string {
  const type = String(column.type);
  return type === 'numeric' ? `numeric(${column.precision}, ${column.scale})` : type;
}

function toRow(kind: MasterDataKind, table: KindTable, raw: Record<string, unknown>): MirrorRow {
  const data: Record<string, unknown> = {};
  for (const column of table.content) {
    data[column.propertyName] = raw[column.databaseName] ?? null;
  }
  return {
    id: String(raw.id),
    kind,
    onecId: String(raw.onec_id),
    version: String(raw.version),
    versionSeq: BigInt(String(raw.version_seq)),
    contentHash: String(raw.content_hash),
    deleted: raw.deleted === true,
    deactivated: raw.deactivated === true,
    bitrixId: (raw.bitrix_id as string | null) ?? null,
    source: raw.source as MirrorSource,
    data: data as unknown as KindData[MasterDataKind],
    createdAt: raw.created_at as Date,
    updatedAt: raw.updated_at as Date,
  };
}

type Param = (value: unknown) => string;

/** The filters each kind offers (the HTTP layer refuses the others with a 400). */
function kindFilters(kind: MasterDataKind, query: MirrorListQuery, param: Param): string[] {
  const where: string[] = [];
  if (query.groupId !== undefined) {
    where.push(kind === 'products' ? `group_ids ? ${param(query.groupId)}` : `parent_id = ${param(query.groupId)}`);
  }
  if (query.warehouseId !== undefined) {
    where.push(`warehouse_id = ${param(query.warehouseId)}`);
  }
  if (query.priceTypeId !== undefined) {
    where.push(`price_type_id = ${param(query.priceTypeId)}`);
  }
  if (query.productId !== undefined) {
    const product = param(query.productId);
    where.push(
      kind === 'products'
        ? `(onec_id = ${product} OR parent_id = ${product})`
        : `(product_id = ${product} OR product_id LIKE ${product} || '#%')`,
    );
  }
  if (query.inn !== undefined) {
    where.push(`inn = ${param(query.inn)}`);
  }
  if (query.search !== undefined) {
    const contains = param(`%${query.search.replace(/[\\%_]/g, (char) => `\\${char}`)}%`);
    if (kind === 'products') {
      const exact = param(query.search);
      where.push(`(name ILIKE ${contains} OR article = ${exact} OR code = ${exact} OR barcodes ? ${exact})`);
    } else {
      where.push(`name ILIKE ${contains}`);
    }
  }
  return where;
}
