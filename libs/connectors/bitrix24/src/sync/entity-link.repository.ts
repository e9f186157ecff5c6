import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Bitrix24EntityLinkEntity } from './entity-link.entity';

export interface WriteOutcome {
  readonly externalId: string;
  readonly bitrixId: string;
  readonly remoteUpdatedAt?: Date;
  readonly contentHash: string;
}

/** The key of a link for an entity that carries no external id of its own (created in Bitrix24, or a copy). */
export const UNLINKED_KEY_PREFIX = 'bitrix24:';

/** Whether a link's key is one of our external ids rather than the key of an entity we only read. */
export function isOurs(key: string): boolean {
  return !key.startsWith(UNLINKED_KEY_PREFIX);
}

/** Reads and writes the entity mirror with set-based statements: one round trip per batch of 50. */
@Injectable()
export class EntityLinkRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async load(kind: string, externalIds: readonly string[]): Promise<Map<string, Bitrix24EntityLinkEntity>> {
    if (externalIds.length === 0) {
      return new Map();
    }
    const rows = await this.dataSource
      .getRepository(Bitrix24EntityLinkEntity)
      .createQueryBuilder('link')
      .where('link.kind = :kind AND link.external_id = ANY(:ids)', { kind, ids: [...externalIds] })
      .getMany();
    return new Map(rows.map((row) => [row.externalId, row]));
  }

  async byBitrixId(kind: string, bitrixId: string): Promise<Bitrix24EntityLinkEntity | null> {
    return this.dataSource.getRepository(Bitrix24EntityLinkEntity).findOneBy({ kind, bitrixId });
  }

  /**
   * Who holds each of these Bitrix24 ids: Bitrix24 id → the link's key, which is our external id or, for an entity
   * we only ever read, {@link UNLINKED_KEY_PREFIX} and its id (see {@link isOurs}), in one statement.
   */
  async holders(kind: string, bitrixIds: readonly string[]): Promise<Map<string, string>> {
    if (bitrixIds.length === 0) {
      return new Map();
    }
    const rows = await this.dataSource.query<Array<{ bitrix_id: string; external_id: string }>>(
      `SELECT bitrix_id, external_id FROM bitrix24_entity_links WHERE kind = $1 AND bitrix_id = ANY($2::text[])`,
      [kind, [...new Set(bitrixIds)]],
    );
    return new Map(rows.map((row) => [row.bitrix_id, row.external_id]));
  }

  /**
   * The link a remote entity belongs to and the key to record it under: the link holding its Bitrix24 id; else the
   * link of the external id it carries, unless that link holds another entity (then this one is a copy carrying
   * our id, and recording it there would point our link at the copy); else a key of its own.
   */
  async owner(
    kind: string,
    bitrixId: string,
    externalId: string | undefined,
  ): Promise<{ readonly link?: Bitrix24EntityLinkEntity; readonly key: string }> {
    const byId = await this.byBitrixId(kind, bitrixId);
    if (byId) {
      return { link: byId, key: byId.externalId };
    }
    const byExternal = externalId === undefined ? undefined : (await this.load(kind, [externalId])).get(externalId);
    // A link to this very entity is ours, not another's: our create's answer can be recorded between the two reads
    // (a reconcile or an event racing the write), and taking it for a copy would make our own write look a change.
    const holdsAnother =
      byExternal?.state === 'linked' && byExternal.bitrixId !== null && byExternal.bitrixId !== bitrixId;
    if (externalId !== undefined && !holdsAnother) {
      return { link: byExternal, key: externalId };
    }
    return { key: `${UNLINKED_KEY_PREFIX}${bitrixId}` };
  }

  /** Written BEFORE a create is sent: from here on, a crash or a lost answer leads to a lookup, never a blind resend. */
  async markCreating(kind: string, externalIds: readonly string[]): Promise<void> {
    if (externalIds.length === 0) {
      return;
    }
    await this.dataSource.query(
      `INSERT INTO bitrix24_entity_links (kind, external_id, state, updated_at)
       SELECT $1, unnest($2::text[]), 'creating', now()
       ON CONFLICT (kind, external_id) DO UPDATE SET state = 'creating', updated_at = now()
        WHERE bitrix24_entity_links.state <> 'linked'`,
      [kind, [...externalIds]],
    );
  }

  /**
   * Written BEFORE an update is sent: until its answer is recorded, a re-read of the entity may show our write with
   * a hash we do not know yet (see {@link ownWriteInTheWay}).
   */
  async markWriting(kind: string, bitrixIds: readonly string[]): Promise<void> {
    await this.setWriting(kind, bitrixIds, 'clock_timestamp()');
  }

  /** These updates are known not to have happened (refused, or never sent): nothing of ours is on its way. */
  async endWriting(kind: string, bitrixIds: readonly string[]): Promise<void> {
    await this.setWriting(kind, bitrixIds, 'NULL');
  }

  private async setWriting(kind: string, bitrixIds: readonly string[], value: string): Promise<void> {
    if (bitrixIds.length === 0) {
      return;
    }
    await this.dataSource.query(
      `UPDATE bitrix24_entity_links SET writing_since = ${value} WHERE kind = $1 AND bitrix_id = ANY($2::text[])`,
      [kind, [...bitrixIds]],
    );
  }

  /**
   * Taken BEFORE an entity is re-read: the database's clock (what {@link ownWriteInTheWay} compares the link's
   * times with) and, for one entity, whether a write of ours is on its way (then reading it would be wasted).
   */
  async readingStart(
    kind: string,
    bitrixId?: string,
  ): Promise<{ readonly at: Date; readonly writingSince: Date | null }> {
    const [row] = await this.dataSource.query<Array<{ at: Date; writing_since: Date | null }>>(
      `SELECT clock_timestamp() AS at,
              (SELECT writing_since FROM bitrix24_entity_links WHERE kind = $1 AND bitrix_id = $2) AS writing_since`,
      [kind, bitrixId ?? null],
    );
    return { at: row.at, writingSince: row.writing_since };
  }

  /** The portal refused these creates: they are known not to exist. */
  async markAbsent(kind: string, externalIds: readonly string[]): Promise<void> {
    if (externalIds.length === 0) {
      return;
    }
    await this.dataSource.query(
      `UPDATE bitrix24_entity_links SET state = 'absent', bitrix_id = NULL, updated_at = now()
        WHERE kind = $1 AND external_id = ANY($2::text[])`,
      [kind, [...externalIds]],
    );
  }

  /**
   * Entities an unanswered create of ours did make, found by a lookup: paired, but still `creating` (and freshly so)
   * until the write that follows records what we wrote. Marked linked here, with no hash of ours, a read of the
   * entity in between would take our own create for a change made in Bitrix24.
   */
  async found(kind: string, pairs: ReadonlyMap<string, string>): Promise<void> {
    if (pairs.size === 0) {
      return;
    }
    await this.dataSource.query(
      `INSERT INTO bitrix24_entity_links (kind, external_id, bitrix_id, state, updated_at)
       SELECT $1, e, b, 'creating', now() FROM unnest($2::text[], $3::text[]) AS t(e, b)
       ON CONFLICT (kind, external_id) DO UPDATE SET bitrix_id = EXCLUDED.bitrix_id, updated_at = now()
        WHERE bitrix24_entity_links.state <> 'linked'`,
      [kind, [...pairs.keys()], [...pairs.values()]],
    );
  }

  /**
   * After successful creates/updates: the answer's change time and hash become what we wrote and saw. `adopted`:
   * Bitrix24 ids of entities made in the portal that these writes made ours; the link that held them under their
   * own key gives way (in the same transaction) to the link of our external id, which the unique Bitrix24 id
   * would otherwise refuse.
   */
  async recordWrites(kind: string, outcomes: readonly WriteOutcome[], adopted: readonly string[] = []): Promise<void> {
    if (outcomes.length === 0) {
      return;
    }
    if (adopted.length > 0) {
      await this.dataSource.transaction(async (manager) => {
        await manager.query(
          `DELETE FROM bitrix24_entity_links WHERE kind = $1 AND bitrix_id = ANY($2::text[]) AND starts_with(external_id, $3)`,
          [kind, [...adopted], UNLINKED_KEY_PREFIX],
        );
        await this.upsertWrites(manager.query.bind(manager), kind, outcomes);
      });
      return;
    }
    await this.upsertWrites(this.dataSource.query.bind(this.dataSource), kind, outcomes);
  }

  private async upsertWrites(
    query: (sql: string, parameters: unknown[]) => Promise<unknown>,
    kind: string,
    outcomes: readonly WriteOutcome[],
  ): Promise<void> {
    await query(
      `INSERT INTO bitrix24_entity_links
              (kind, external_id, bitrix_id, state, remote_updated_at, content_hash, written_hash, written_at, updated_at)
       SELECT $1, e, b, 'linked', u, h, h, clock_timestamp(), now()
         FROM unnest($2::text[], $3::text[], $4::timestamptz[], $5::text[]) AS t(e, b, u, h)
       ON CONFLICT (kind, external_id) DO UPDATE SET
              bitrix_id = EXCLUDED.bitrix_id, state = 'linked',
              remote_updated_at = GREATEST(bitrix24_entity_links.remote_updated_at, EXCLUDED.remote_updated_at),
              content_hash = EXCLUDED.content_hash, written_hash = EXCLUDED.written_hash,
              -- The clock, not the transaction's start: a re-read begun before this instant may predate the write.
              written_at = clock_timestamp(), writing_since = NULL, updated_at = now()`,
      [
        kind,
        outcomes.map((outcome) => outcome.externalId),
        outcomes.map((outcome) => outcome.bitrixId),
        outcomes.map((outcome) => outcome.remoteUpdatedAt?.toISOString() ?? null),
        outcomes.map((outcome) => outcome.contentHash),
      ],
    );
  }

  /** After an inbound change was applied (or recognised): what we now hold. */
  async recordSeen(
    kind: string,
    externalId: string,
    bitrixId: string,
    remoteUpdatedAt: Date | undefined,
    contentHash: string,
  ): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO bitrix24_entity_links (kind, external_id, bitrix_id, state, remote_updated_at, content_hash, updated_at)
       VALUES ($1, $2, $3, 'linked', $4, $5, now())
       ON CONFLICT (kind, external_id) DO UPDATE SET bitrix_id = EXCLUDED.bitrix_id, state = 'linked',
              remote_updated_at = GREATEST(bitrix24_entity_links.remote_updated_at, EXCLUDED.remote_updated_at),
              -- A re-read that raced with a newer write of ours must not replace the newer hash.
              content_hash = CASE
                WHEN bitrix24_entity_links.remote_updated_at IS NULL OR EXCLUDED.remote_updated_at IS NULL
                  OR EXCLUDED.remote_updated_at >= bitrix24_entity_links.remote_updated_at
                THEN EXCLUDED.content_hash ELSE bitrix24_entity_links.content_hash END,
              updated_at = now()`,
      [kind, externalId, bitrixId, remoteUpdatedAt ?? null, contentHash],
    );
  }
}

/** How long a write counts as on its way without an answer: beyond any request timeout (a crash leaves the mark). */
export const WRITE_ANSWER_WINDOW_MS = 2 * 60_000;

/**
 * Why a re-read begun at `readFrom` cannot be compared with what the link holds, if it cannot: an update of ours is
 * on its way (the re-read may show it, and its hash is not recorded yet), or one was answered after the re-read began
 * (the re-read may show the entity before it, and a stage we moved on from would look like the courier moving back).
 * Either way the re-read is done again once the write is recorded; until then it is neither our write nor a change.
 */
export function ownWriteInTheWay(
  link: Pick<Bitrix24EntityLinkEntity, 'writingSince' | 'writtenAt'> | undefined,
  readFrom: Date,
  now = Date.now(),
): 'on its way' | 'answered during the read' | undefined {
  if (link?.writingSince && now - link.writingSince.getTime() < WRITE_ANSWER_WINDOW_MS) {
    return 'on its way';
  }
  if (link?.writtenAt && link.writtenAt.getTime() >= readFrom.getTime()) {
    return 'answered during the read';
  }
  return undefined;
}
