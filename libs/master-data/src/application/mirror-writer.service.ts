import { Injectable } from '@nestjs/common';
import type { MasterDataKind } from '../domain/master-data-kind';
import type { Rejection } from '../domain/master-data.errors';
import type { MirrorSource, MirrorWrite } from '../domain/mirror-records';
import { splitOfferId } from '../domain/onec-id';
import { referencesOf } from '../domain/references';
import { contentHashOf, decideWrite, type WriteOutcome } from '../domain/versioning';
import { ChangeAnnouncer, type ChangedEntity } from './ports/change-announcer.port';
import { MasterDataMetrics } from './master-data.metrics';
import { type AcceptedWrite, MirrorStore } from './ports/mirror-store.port';

/** The result for one record of a batch, in input order. */
export type WriteResult =
  | { readonly onecId: string; readonly outcome: Exclude<WriteOutcome, 'stale'>; readonly id?: string }
  | { readonly onecId: string; readonly outcome: 'rejected'; readonly rejections: readonly Rejection[] };

export interface BatchOptions {
  /**
   * The CommerceML exchange delivering the batch: its rows are remembered for the deactivation a full snapshot
   * implies, and a record repeated within the batch is applied once, as its last occurrence (1C's files are in
   * order). Without it (the JSON API), a repeated id is a client error.
   */
  readonly exchangeSessionId?: string;
  /**
   * Collects the changed entities here instead of announcing them, for a caller applying several kinds in one
   * transaction (a product, its prices and its stock): it announces each entity once for all of them.
   */
  readonly changes?: Map<string, ChangedEntity>;
}

/** The kinds whose rows change what Bitrix24 shows, and the entity whose copy they change. */
function changedEntityOf(kind: MasterDataKind, write: MirrorWrite): ChangedEntity | undefined {
  switch (kind) {
    case 'products': {
      // A variant changes its product's catalog entry (price and stock are summed over variants).
      const product = write.data as MirrorWrite<'products'>['data'];
      return { kind: 'products', onecId: product.parentId ?? write.onecId };
    }
    case 'prices':
    case 'stock': {
      const offer = (write.data as MirrorWrite<'prices' | 'stock'>['data']).productId;
      return { kind: 'products', onecId: splitOfferId(offer).productId };
    }
    case 'counterparties':
    case 'couriers':
      return { kind, onecId: write.onecId };
    case 'product-groups':
    case 'units':
    case 'properties':
    case 'price-types':
    case 'warehouses':
    case 'cash-desks':
      return undefined;
  }
}

/** Adds the entities these writes change to `into`, each once. */
function collectChanges(
  kind: MasterDataKind,
  accepted: readonly AcceptedWrite[],
  into: Map<string, ChangedEntity>,
): Map<string, ChangedEntity> {
  for (const { write } of accepted) {
    const changed = changedEntityOf(kind, write);
    if (changed) {
      into.set(`${changed.kind}:${changed.onecId}`, changed);
    }
  }
  return into;
}

/**
 * Applies batches of 1C records to the mirror by the version rules (domain/versioning.ts): references resolved,
 * stale versions refused, unchanged records left alone, the rest written in one statement and announced for
 * Bitrix24, per item and never all-or-nothing. Callers run it inside a unit of work.
 */
@Injectable()
export class MirrorWriter {
  constructor(
    private readonly store: MirrorStore,
    private readonly announcer: ChangeAnnouncer,
    private readonly metrics: MasterDataMetrics,
  ) {}

  async apply<K extends MasterDataKind>(
    kind: K,
    writes: readonly MirrorWrite<K>[],
    source: MirrorSource,
    options: BatchOptions = {},
  ): Promise<WriteResult[]> {
    const started = performance.now();
    const results: (WriteResult | undefined)[] = writes.map(() => undefined);
    const candidates = this.withoutRepeats(writes, results, options.exchangeSessionId !== undefined);
    const resolvable = await this.resolveReferences(kind, candidates, results);

    const stored = await this.store.lockVersions(
      kind,
      resolvable.map(({ write }) => write.onecId),
    );
    const accepted: AcceptedWrite[] = [];
    const acceptedIndexes: number[] = [];
    for (const { write, index } of resolvable) {
      const contentHash = contentHashOf(write.data, write.deleted);
      const outcome = decideWrite(write, contentHash, stored.get(write.onecId));
      if (outcome === 'stale') {
        results[index] = {
          onecId: write.onecId,
          outcome: 'rejected',
          rejections: [
            {
              code: 'STALE_VERSION',
              path: 'version',
              reason: `version ${write.version ?? contentHash} is older than the stored one (or reuses it with other content)`,
            },
          ],
        };
      } else if (outcome === 'unchanged') {
        results[index] = { onecId: write.onecId, outcome };
      } else {
        accepted.push({ write, contentHash });
        acceptedIndexes.push(index);
        results[index] = { onecId: write.onecId, outcome };
      }
    }

    const ids = accepted.length > 0 ? await this.store.upsert(kind, accepted) : new Map<string, string>();
    acceptedIndexes.forEach((index) => {
      const result = results[index]!;
      results[index] = { ...result, id: ids.get(result.onecId) } as WriteResult;
    });
    if (options.changes) {
      collectChanges(kind, accepted, options.changes);
    } else {
      await this.announce(kind, accepted);
    }
    if (options.exchangeSessionId !== undefined) {
      await this.store.touch(
        options.exchangeSessionId,
        kind,
        resolvable.map(({ write }) => write.onecId),
      );
    }

    const final = results as WriteResult[];
    await this.recordProgress(kind, source, final, accepted);
    this.metrics.batchApplied(kind, source, (performance.now() - started) / 1000);
    return final;
  }

  private withoutRepeats<K extends MasterDataKind>(
    writes: readonly MirrorWrite<K>[],
    results: (WriteResult | undefined)[],
    lastWins: boolean,
  ): { write: MirrorWrite<K>; index: number }[] {
    const lastIndexOf = new Map<string, number>();
    writes.forEach((write, index) => {
      if (lastWins || !lastIndexOf.has(write.onecId)) {
        lastIndexOf.set(write.onecId, index);
      }
    });
    const kept: { write: MirrorWrite<K>; index: number }[] = [];
    writes.forEach((write, index) => {
      if (lastIndexOf.get(write.onecId) === index) {
        kept.push({ write, index });
      } else if (lastWins) {
        // Superseded by a later record of the same batch: as if 1C had sent only the later one.
        results[index] = { onecId: write.onecId, outcome: 'unchanged' };
      } else {
        results[index] = {
          onecId: write.onecId,
          outcome: 'rejected',
          rejections: [{ code: 'DUPLICATE_IN_BATCH', path: 'id', reason: 'the same id appears earlier in this batch' }],
        };
      }
    });
    return kept;
  }

  /**
   * Rejects records whose references the mirror does not hold. A record may reference one earlier in the same
   * batch (a group and its subgroup), so references are checked in order against the mirror plus what came before.
   */
  private async resolveReferences<K extends MasterDataKind>(
    kind: K,
    candidates: { write: MirrorWrite<K>; index: number }[],
    results: (WriteResult | undefined)[],
  ): Promise<{ write: MirrorWrite<K>; index: number }[]> {
    const wanted = new Map<MasterDataKind, Set<string>>();
    const referencesByIndex = new Map<number, ReturnType<typeof referencesOf>>();
    for (const { write, index } of candidates) {
      const references = referencesOf(kind, write.data);
      referencesByIndex.set(index, references);
      for (const reference of references) {
        wanted.set(reference.kind, (wanted.get(reference.kind) ?? new Set()).add(reference.onecId));
      }
    }
    const known = new Map<MasterDataKind, Set<string>>();
    for (const [referencedKind, ids] of wanted) {
      known.set(referencedKind, await this.store.existing(referencedKind, [...ids]));
    }
    const resolvable: { write: MirrorWrite<K>; index: number }[] = [];
    for (const candidate of candidates) {
      const unknown = referencesByIndex
        .get(candidate.index)!
        .filter((reference) => !known.get(reference.kind)!.has(reference.onecId));
      if (unknown.length > 0) {
        results[candidate.index] = {
          onecId: candidate.write.onecId,
          outcome: 'rejected',
          rejections: unknown.map((reference) => ({
            code: 'UNKNOWN_REFERENCE',
            path: reference.path,
            reason: `no ${reference.kind} with id ${reference.onecId} in the mirror`,
          })),
        };
        continue;
      }
      resolvable.push(candidate);
      known.get(kind)?.add(candidate.write.onecId);
    }
    return resolvable;
  }

  /** Announces the entities these writes change (once each); also for writes made outside `apply` (a deletion). */
  async announce(kind: MasterDataKind, accepted: readonly AcceptedWrite[]): Promise<void> {
    await this.announceOnce(collectChanges(kind, accepted, new Map()));
  }

  /** Announces what {@link BatchOptions.changes} collected. */
  async announceOnce(changes: ReadonlyMap<string, ChangedEntity>): Promise<void> {
    if (changes.size > 0) {
      await this.announcer.announce([...changes.values()]);
    }
  }

  private async recordProgress(
    kind: MasterDataKind,
    source: MirrorSource,
    results: readonly WriteResult[],
    accepted: readonly AcceptedWrite[],
  ): Promise<void> {
    const count = (outcome: WriteResult['outcome']) => results.filter((result) => result.outcome === outcome).length;
    const newest = accepted.reduce<AcceptedWrite | undefined>(
      (best, candidate) =>
        best === undefined || candidate.write.versionSeq > best.write.versionSeq ? candidate : best,
      undefined,
    );
    await this.store.recordFeed(kind, source, {
      received: results.length,
      changed: accepted.length,
      rejected: count('rejected'),
      ...(newest
        ? { newest: { version: newest.write.version ?? newest.contentHash, versionSeq: newest.write.versionSeq } }
        : {}),
    });
    for (const outcome of ['created', 'updated', 'unchanged', 'rejected'] as const) {
      this.metrics.rowsWritten(kind, source, outcome, count(outcome));
    }
  }
}
