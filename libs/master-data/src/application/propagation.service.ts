import { IntegrationLogService } from '@app/core';
import { Injectable, Logger } from '@nestjs/common';
import {
  differences,
  projectCounterparty,
  projectionHash,
  projectProduct,
  type Bitrix24CopyKind,
  type Bitrix24Projection,
} from '../domain/bitrix24-projection';
import { MasterDataMetrics } from './master-data.metrics';
import { Bitrix24Copies } from './ports/bitrix24-copies.port';
import { Bitrix24Sources, type Bitrix24Link } from './ports/bitrix24-sources.port';
import { Bitrix24Users } from './ports/bitrix24-users.port';
import type { ChangedEntity } from './ports/change-announcer.port';
import { ProjectionSettingsReader } from './propagation.settings';

/** A change made in Bitrix24 to a copy, in our field names (the connector's inbound port, translated). */
export interface Bitrix24Edit {
  readonly kind: Bitrix24CopyKind;
  /** Our id as the copy carries it; undefined for an entity created in Bitrix24. */
  readonly externalId?: string;
  readonly bitrixId: string;
  readonly deleted: boolean;
  /** Our field names, for the fields the mapping maps, as the portal holds them now. */
  readonly fields: Readonly<Record<string, unknown>>;
  /** How the change was learnt (`webhook`, `offline`, `reconcile`). */
  readonly source: string;
}

interface Current {
  readonly projection: Bitrix24Projection;
  readonly link: Bitrix24Link;
}

/**
 * Keeps the Bitrix24 copies of the mirror in step, 1C being the source of truth: a mirror change writes the entity's
 * current projection (only when it differs from what was last written), and an edit made in Bitrix24 to a field 1C
 * owns is overwritten with the mirror's value and logged as a correction. Nothing from Bitrix24 changes the mirror.
 */
@Injectable()
export class PropagationService {
  private readonly logger = new Logger(PropagationService.name);

  constructor(
    private readonly sources: Bitrix24Sources,
    private readonly copies: Bitrix24Copies,
    private readonly users: Bitrix24Users,
    private readonly settings: ProjectionSettingsReader,
    private readonly metrics: MasterDataMetrics,
    private readonly integrationLog: IntegrationLogService,
  ) {}

  /**
   * Brings the copy of a changed entity up to the mirror's current state. Reading the state now (not the change)
   * means a burst of changes writes once, and a change announced before a later one never writes stale data.
   */
  async propagate(change: ChangedEntity, announcedAt: Date): Promise<void> {
    switch (change.kind) {
      case 'products':
      case 'counterparties': {
        const current = await this.current(change.kind, change.onecId);
        if (current === undefined) {
          this.logger.warn(`${change.kind} ${change.onecId} is not in the mirror; nothing to propagate`);
          return;
        }
        await this.write(change.kind, current, announcedAt);
        return;
      }
      case 'couriers':
        await this.linkCourier(change.onecId, announcedAt);
        return;
      case 'product-groups':
      case 'units':
      case 'properties':
      case 'price-types':
      case 'prices':
      case 'warehouses':
      case 'stock':
      case 'cash-desks':
        // Never announced: prices, stock and variants are announced as their product, the rest has no copy.
        this.logger.warn(`${change.kind} has no Bitrix24 copy of its own; ${change.onecId} ignored`);
    }
  }

  /**
   * Overwrites a Bitrix24 edit of the fields 1C owns with the mirror's values, on the copy that was edited, and
   * records the correction in the IntegrationLog. A copy deleted in Bitrix24 is created again while the mirror holds
   * the entity active. Entities the mirror does not know are left alone.
   */
  async correct(edit: Bitrix24Edit): Promise<void> {
    if (edit.externalId === undefined) {
      this.logger.log(`Bitrix24 ${edit.kind} ${edit.bitrixId} carries no 1C id: not ours, left alone`);
      return;
    }
    const kind = edit.kind === 'product' ? 'products' : 'counterparties';
    const current = await this.current(kind, edit.externalId);
    if (current === undefined) {
      this.logger.log(`Bitrix24 ${edit.kind} ${edit.bitrixId}: 1C id ${edit.externalId} is not in the mirror, ignored`);
      return;
    }
    const { projection, link } = current;
    if (projection.kind !== edit.kind) {
      this.logger.log(
        `Bitrix24 ${edit.kind} ${edit.bitrixId}: the mirror holds ${edit.externalId} as a ${projection.kind}; ` +
          'the reconcile deactivates this copy',
      );
      return;
    }
    const ownCopy = link.bitrixId === null || link.bitrixId === edit.bitrixId;
    if (edit.deleted) {
      if (ownCopy && projection.fields.active !== false) {
        await this.corrected(edit, 'recreated', [], async () => {
          const bitrixId = await this.copies.write(projection);
          await this.sources.saveLink(kind, edit.externalId!, { bitrixId, bitrixHash: projectionHash(projection) });
        });
      }
      return;
    }
    const differing = differences(projection, edit.fields);
    if (differing.length === 0) {
      return;
    }
    await this.corrected(edit, 'overwritten', differing, async () => {
      await this.copies.update(edit.kind, edit.bitrixId, projection.fields);
      if (ownCopy) {
        await this.sources.saveLink(kind, edit.externalId!, {
          bitrixId: edit.bitrixId,
          bitrixHash: projectionHash(projection),
        });
      }
    });
  }

  private async corrected(
    edit: Bitrix24Edit,
    action: 'overwritten' | 'recreated',
    differing: ReturnType<typeof differences>,
    write: () => Promise<void>,
  ): Promise<void> {
    const started = performance.now();
    const entry = {
      direction: 'outbound' as const,
      system: 'bitrix24',
      operation: 'master-data.correction',
      entityType: edit.kind,
      entityId: edit.externalId,
      requestBody: { action, bitrixId: edit.bitrixId, learntFrom: edit.source, differences: differing },
    };
    try {
      await write();
    } catch (error) {
      await this.integrationLog.record({
        ...entry,
        outcome: 'failure',
        durationMs: performance.now() - started,
        errorMessage: error instanceof Error ? error.message : String(error),
      });
      throw error;
    }
    await this.integrationLog.record({ ...entry, outcome: 'success', durationMs: performance.now() - started });
    this.logger.log(
      `Bitrix24 ${edit.kind} ${edit.bitrixId} (${edit.externalId}) ${action} with the mirror's values` +
        (differing.length > 0 ? `: ${differing.map((one) => one.field).join(', ')}` : ''),
    );
  }

  private async current(kind: 'products' | 'counterparties', onecId: string): Promise<Current | undefined> {
    if (kind === 'products') {
      const source = (await this.sources.products([onecId])).get(onecId);
      return source && { projection: projectProduct(source, await this.settings.read()), link: source.link };
    }
    const source = (await this.sources.counterparties([onecId])).get(onecId);
    return source && { projection: projectCounterparty(source), link: source.link };
  }

  private async write(kind: 'products' | 'counterparties', current: Current, announcedAt: Date): Promise<void> {
    const { projection, link } = current;
    const bitrixHash = projectionHash(projection);
    // Written already; or never written and inactive, where there is nothing to deactivate.
    if (bitrixHash === link.bitrixHash || (link.bitrixId === null && projection.fields.active === false)) {
      this.metrics.propagation(kind, 'skipped');
      return;
    }
    const bitrixId = await this.copies.write(projection);
    await this.sources.saveLink(kind, projection.externalId, { bitrixId, bitrixHash });
    this.metrics.propagation(kind, 'written', lagSeconds(announcedAt));
  }

  /** A courier is a portal user: only the link is stored, the user is never written. */
  private async linkCourier(onecId: string, announcedAt: Date): Promise<void> {
    const courier = await this.sources.courier(onecId);
    if (courier === undefined) {
      this.logger.warn(`couriers ${onecId} is not in the mirror; nothing to link`);
      return;
    }
    const bitrixId = (await this.users.userOfCourier(onecId)) ?? courier.data.bitrixUserId;
    if (bitrixId === courier.link.bitrixId) {
      this.metrics.propagation('couriers', 'skipped');
      return;
    }
    await this.sources.saveLink('couriers', onecId, { bitrixId, bitrixHash: null });
    this.metrics.propagation('couriers', 'written', lagSeconds(announcedAt));
    if (bitrixId === null) {
      this.logger.warn(`No Bitrix24 user carries courier ${onecId}; the courier stays unlinked`);
    }
  }
}

function lagSeconds(since: Date): number {
  return Math.max(0, (Date.now() - since.getTime()) / 1000);
}
