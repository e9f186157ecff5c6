import { Injectable, Logger } from '@nestjs/common';
import {
  projectCounterparty,
  projectionHash,
  projectProduct,
  type Bitrix24CopyKind,
} from '../domain/bitrix24-projection';
import { MasterDataMetrics, type ReconcileOutcome } from './master-data.metrics';
import { Bitrix24Copies, type Bitrix24Copy } from './ports/bitrix24-copies.port';
import {
  ReconcileRuns,
  type ReconcileKind,
  type ReconcileRun,
  type ReconcileSample,
} from './ports/bitrix24-reconcile-runs.port';
import { Bitrix24Sources } from './ports/bitrix24-sources.port';
import { ProjectionSettingsReader } from './propagation.settings';
import {
  CopyIndex,
  planEntity,
  planOrphan,
  ReconcileReport,
  type MirrorEntity,
  type ReconcilePlan,
} from './reconcile-planner';

/** Mirror rows read (and repaired) per step: one read of each table, and at most this many portal writes at once. */
const PAGE_SIZE = 200;
/** Writes sent together: the connector packs concurrent ones into batches of 50 commands. */
const WRITES_AT_ONCE = 50;

const COPY_KINDS: Readonly<Record<ReconcileKind, readonly Bitrix24CopyKind[]>> = {
  products: ['product'],
  counterparties: ['company', 'contact'],
};

interface Planned {
  readonly plan: ReconcilePlan;
  /** The mirror entity, absent for an orphan. */
  readonly entity?: MirrorEntity;
}

/**
 * Compares the mirror with Bitrix24 by external id and field values, and repairs what differs: missing copies are
 * created, drifted ones written the mirror's projection, orphans carrying our external id deactivated (never
 * deleted). A dry run only reports; it writes nothing to Bitrix24 and nothing to the mirror. Failures of single
 * entities are counted and sampled; the run goes on.
 */
@Injectable()
export class ReconcileService {
  private readonly logger = new Logger(ReconcileService.name);

  constructor(
    private readonly runs: ReconcileRuns,
    private readonly sources: Bitrix24Sources,
    private readonly copies: Bitrix24Copies,
    private readonly settings: ProjectionSettingsReader,
    private readonly metrics: MasterDataMetrics,
  ) {}

  /** Carries out a started run and keeps its report; a run that cannot go on is recorded as failed, never thrown. */
  async run(run: ReconcileRun): Promise<void> {
    const report = new ReconcileReport();
    try {
      const index = new CopyIndex();
      for (const kind of COPY_KINDS[run.kind]) {
        index.add(await this.listCopies(kind));
      }
      for (let after: string | undefined; ;) {
        const ids = await this.sources.page(run.kind, after, PAGE_SIZE);
        if (ids.length === 0) {
          break;
        }
        after = ids[ids.length - 1];
        const entities = await this.entities(run.kind, ids);
        await this.carryOut(
          entities.map((entity) => ({
            entity,
            plan: planEntity(
              entity.projection,
              index.claim(entity.projection.kind, entity.projection.externalId, entity.link.bitrixId),
            ),
          })),
          run.dryRun,
          report,
        );
      }
      await this.carryOut(
        index.unclaimed().map((copy) => ({ plan: planOrphan(copy) })),
        run.dryRun,
        report,
      );
      await this.finish(run, report, 'succeeded');
    } catch (error) {
      this.logger.error(`Reconcile ${run.id} of ${run.kind} failed: ${String(error)}`);
      await this.finish(run, report, 'failed', error instanceof Error ? error.message : String(error));
    }
  }

  private async finish(
    run: ReconcileRun,
    report: ReconcileReport,
    status: 'succeeded' | 'failed',
    error?: string,
  ): Promise<void> {
    await this.runs.finish(run.id, report.result(status, error ?? null));
    this.metrics.reconciled(run.kind, status, report.totals);
    this.logger.log(
      `Reconcile ${run.id} of ${run.kind}${run.dryRun ? ' (dry run)' : ''} ${status}: ${JSON.stringify(report.totals)}`,
    );
  }

  private async listCopies(kind: Bitrix24CopyKind): Promise<Bitrix24Copy[]> {
    const all: Bitrix24Copy[] = [];
    for (let after: string | undefined; ;) {
      const page = await this.copies.list(kind, after);
      all.push(...page.items);
      if (page.next === undefined) {
        return all;
      }
      after = page.next;
    }
  }

  /** The entities of a page, in the page's order (so reports list them the same way every time). */
  private async entities(kind: ReconcileKind, ids: readonly string[]): Promise<MirrorEntity[]> {
    if (kind === 'products') {
      const settings = await this.settings.read();
      const products = await this.sources.products(ids);
      return present(ids, products).map((source) => ({
        projection: projectProduct(source, settings),
        link: source.link,
      }));
    }
    const counterparties = await this.sources.counterparties(ids);
    return present(ids, counterparties).map((source) => ({
      projection: projectCounterparty(source),
      link: source.link,
    }));
  }

  /** Writes up to {@link WRITES_AT_ONCE} at a time; the report takes the outcomes in the plans' order. */
  private async carryOut(planned: readonly Planned[], dryRun: boolean, report: ReconcileReport): Promise<void> {
    for (let start = 0; start < planned.length; start += WRITES_AT_ONCE) {
      const chunk = planned.slice(start, start + WRITES_AT_ONCE);
      const outcomes = await Promise.all(chunk.map((one) => this.carryOutOne(one, dryRun)));
      outcomes.forEach(([outcome, sample]) => report.add(outcome, sample));
    }
  }

  private async carryOutOne(planned: Planned, dryRun: boolean): Promise<[ReconcileOutcome, ReconcileSample]> {
    const { plan, entity } = planned;
    const sample = sampleOf(planned);
    try {
      switch (plan.outcome) {
        case 'ok':
          if (!dryRun && entity && plan.copy) {
            await this.remember(entity, plan.copy.bitrixId);
          }
          break;
        case 'created':
          if (!dryRun) {
            await this.remember(entity!, await this.copies.write(plan.projection));
          }
          break;
        case 'updated':
        case 'deactivated':
          if (!dryRun) {
            await this.copies.update(plan.copy.kind, plan.copy.bitrixId, plan.projection.fields);
            await this.remember(entity!, plan.copy.bitrixId);
          }
          break;
        case 'orphan':
          if (!dryRun) {
            await this.copies.update(plan.copy.kind, plan.copy.bitrixId, { active: false });
          }
          break;
        case 'failed':
          break;
      }
      return [plan.outcome === 'orphan' ? 'deactivated' : plan.outcome, sample];
    } catch (error) {
      return ['failed', { ...sample, error: error instanceof Error ? error.message : String(error) }];
    }
  }

  /** Keeps the link to the copy the mirror now matches, so the propagation does not write it again. */
  private async remember(entity: MirrorEntity, bitrixId: string): Promise<void> {
    const bitrixHash = projectionHash(entity.projection);
    if (entity.link.bitrixId !== bitrixId || entity.link.bitrixHash !== bitrixHash) {
      await this.sources.saveLink(
        entity.projection.kind === 'product' ? 'products' : 'counterparties',
        entity.projection.externalId,
        { bitrixId, bitrixHash },
      );
    }
  }
}

function present<T>(ids: readonly string[], found: ReadonlyMap<string, T>): T[] {
  return ids.flatMap((id) => {
    const one = found.get(id);
    return one === undefined ? [] : [one];
  });
}

function sampleOf({ plan, entity }: Planned): ReconcileSample {
  const copy = 'copy' in plan ? plan.copy : undefined;
  return {
    externalId: entity?.projection.externalId ?? copy!.externalId,
    bitrixKind: entity?.projection.kind ?? copy!.kind,
    ...(copy ? { bitrixId: copy.bitrixId } : {}),
    ...('differences' in plan ? { differences: plan.differences } : {}),
    ...('error' in plan ? { error: plan.error } : {}),
  };
}
