import { UnitOfWork } from '@app/core';
import { Injectable, Logger } from '@nestjs/common';
import type { MasterDataKind } from '../domain/master-data-kind';
import type { MirrorWrite } from '../domain/mirror-records';
import { ChangeAnnouncer, type ChangedEntity } from './ports/change-announcer.port';
import { type DeactivationScope, ImportSessions } from './ports/import-sessions.port';
import { MirrorStore } from './ports/mirror-store.port';
import { MirrorWriter, type WriteResult } from './mirror-writer.service';

/**
 * The order kinds are applied in within one batch, so that what a record references is written first (CommerceML
 * itself declares the classifier before the catalog and the price types before the offers).
 */
export const APPLY_ORDER: readonly MasterDataKind[] = [
  'units',
  'product-groups',
  'properties',
  'price-types',
  'warehouses',
  'products',
  'prices',
  'stock',
];

/** What one file of a full snapshot covers, by what the file turned out to be. */
export function scopesOfFullFile(
  documentKind: string,
  counts: { readonly group: number; readonly property: number },
): DeactivationScope[] {
  switch (documentKind) {
    case 'import':
      return [
        ...(counts.group > 0 ? (['product-groups'] as const) : []),
        ...(counts.property > 0 ? (['properties'] as const) : []),
        'products',
      ];
    case 'classifier':
      return [
        ...(counts.group > 0 ? (['product-groups'] as const) : []),
        ...(counts.property > 0 ? (['properties'] as const) : []),
      ];
    case 'offers':
      return ['variants', 'prices', 'stock'];
    case 'prices':
      return ['prices'];
    case 'rests':
      return ['stock'];
    default:
      return [];
  }
}

export interface ImportedBatchSummary {
  readonly applied: number;
  readonly unchanged: number;
  readonly rejected: { readonly kind: MasterDataKind; readonly result: WriteResult }[];
}

/**
 * 1C's CommerceML catalog into the mirror. Versions are ordered by exchange (a later exchange wins), full snapshots
 * deactivate what they did not mention when the exchange ends, and partial packages never deactivate anything.
 */
@Injectable()
export class CatalogImportService {
  private readonly logger = new Logger(CatalogImportService.name);

  constructor(
    private readonly writer: MirrorWriter,
    private readonly store: MirrorStore,
    private readonly sessions: ImportSessions,
    private readonly announcer: ChangeAnnouncer,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  versionSeqOf(exchangeSessionId: string): Promise<bigint> {
    return this.sessions.versionSeqOf(exchangeSessionId);
  }

  /** Applies one batch, kinds in {@link APPLY_ORDER}; rejected records are returned for the caller to count. */
  async applyBatch(exchangeSessionId: string, writes: readonly MirrorWrite[]): Promise<ImportedBatchSummary> {
    const byKind = new Map<MasterDataKind, MirrorWrite[]>();
    for (const write of await this.withoutOffersOverGoods(writes)) {
      const group = byKind.get(write.kind);
      if (group) {
        group.push(write);
      } else {
        byKind.set(write.kind, [write]);
      }
    }
    let applied = 0;
    let unchanged = 0;
    const rejected: ImportedBatchSummary['rejected'][number][] = [];
    // A product, its variants, prices and stock all change one catalog entry: announced once per batch, not per kind.
    const changes = new Map<string, ChangedEntity>();
    for (const kind of APPLY_ORDER) {
      const group = byKind.get(kind);
      if (!group) {
        continue;
      }
      const results = await this.writer.apply(kind, group, 'commerceml', { exchangeSessionId, changes });
      for (const result of results) {
        if (result.outcome === 'rejected') {
          rejected.push({ kind, result });
        } else if (result.outcome === 'unchanged') {
          unchanged += 1;
        } else {
          applied += 1;
        }
      }
    }
    await this.writer.announceOnce(changes);
    return { applied, unchanged, rejected };
  }

  /**
   * Drops the variants offers declare where the mirror holds the same id as goods (exports that write
   * characteristics as goods repeat them in the offers, with less): goods win, and the offer adds prices and stock.
   */
  private async withoutOffersOverGoods(writes: readonly MirrorWrite[]): Promise<readonly MirrorWrite[]> {
    const offerVariants = writes.filter(
      (write) => write.kind === 'products' && (write as MirrorWrite<'products'>).data.origin === 'offer',
    );
    if (offerVariants.length === 0) {
      return writes;
    }
    const goods = await this.store.existingGoods(offerVariants.map((write) => write.onecId));
    if (goods.size === 0) {
      return writes;
    }
    const shadowed = new Set(offerVariants.filter((write) => goods.has(write.onecId)));
    return writes.filter((write) => !shadowed.has(write));
  }

  /** Units the products of a batch name but the mirror lacks (1C 2.0x declares units only inside products). */
  async missingUnits(writes: readonly MirrorWrite<'units'>[]): Promise<MirrorWrite<'units'>[]> {
    const known = await this.store.existing(
      'units',
      writes.map((write) => write.onecId),
    );
    return writes.filter((write) => !known.has(write.onecId));
  }

  async fileCompleted(
    exchangeSessionId: string,
    file: {
      readonly documentKind: string;
      readonly isFullSnapshot: boolean;
      readonly counts: { group: number; property: number };
    },
  ): Promise<void> {
    if (file.isFullSnapshot) {
      await this.sessions.addFullScopes(exchangeSessionId, scopesOfFullFile(file.documentKind, file.counts));
    }
  }

  /**
   * The end of an exchange: each scope a full snapshot covered (and, for `mode=deactivate`, the products) loses
   * what the exchange did not touch. Runs once per exchange, in one transaction (the connector calls it outside its
   * import transactions), so the deactivations and their announcements commit together.
   */
  exchangeFinished(exchangeSessionId: string, mode: 'deactivate' | 'complete'): Promise<void> {
    return this.unitOfWork.run(() => this.finishExchange(exchangeSessionId, mode));
  }

  private async finishExchange(exchangeSessionId: string, mode: 'deactivate' | 'complete'): Promise<void> {
    const fullScopes = await this.sessions.finish(exchangeSessionId);
    if (fullScopes === undefined) {
      return;
    }
    const scopes = new Set<DeactivationScope>(fullScopes);
    if (mode === 'deactivate') {
      scopes.add('products');
    }
    const deactivatedProducts = new Set<string>();
    for (const scope of scopes) {
      const ids = await this.deactivate(exchangeSessionId, scope);
      if (scope === 'products' || scope === 'variants') {
        ids.forEach((id) => deactivatedProducts.add(id.split('#')[0]));
      } else if (scope === 'prices' || scope === 'stock') {
        ids.forEach((id) => deactivatedProducts.add(id.split('|')[0].split('#')[0]));
      }
      if (ids.length > 0) {
        this.logger.log(`Exchange ${exchangeSessionId}: ${ids.length} ${scope} deactivated (not in the full snapshot)`);
      }
    }
    await this.announcer.announce([...deactivatedProducts].map((onecId) => ({ kind: 'products' as const, onecId })));
    await this.store.forgetTouches(exchangeSessionId);
  }

  private deactivate(exchangeSessionId: string, scope: DeactivationScope): Promise<string[]> {
    switch (scope) {
      case 'products':
        return this.store.deactivateUntouched(exchangeSessionId, 'products', 'goods');
      case 'variants':
        return this.store.deactivateUntouched(exchangeSessionId, 'products', 'offer');
      case 'product-groups':
      case 'properties':
      case 'prices':
      case 'stock':
        return this.store.deactivateUntouched(exchangeSessionId, scope);
    }
  }
}
