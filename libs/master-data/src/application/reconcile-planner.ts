import {
  activeInPortal,
  differences,
  type Bitrix24CopyKind,
  type Bitrix24Projection,
  type FieldDifference,
} from '../domain/bitrix24-projection';
import type { ReconcileOutcome } from './master-data.metrics';
import type { Bitrix24Copy } from './ports/bitrix24-copies.port';
import type { Bitrix24Link } from './ports/bitrix24-sources.port';
import type { ReconcileResult, ReconcileSample } from './ports/bitrix24-reconcile-runs.port';

/** A mirror entity as the reconcile sees it: what its copy must be, and where it was last written. */
export interface MirrorEntity {
  readonly projection: Bitrix24Projection;
  readonly link: Bitrix24Link;
}

/** What a reconcile does about one entity or orphan; a dry run only reports it. */
export type ReconcilePlan =
  | { readonly outcome: 'ok'; readonly copy?: Bitrix24Copy }
  | { readonly outcome: 'created'; readonly projection: Bitrix24Projection }
  /** The copy is written the mirror's projection (`deactivated`: which makes it inactive). */
  | {
      readonly outcome: 'updated' | 'deactivated';
      readonly projection: Bitrix24Projection;
      readonly copy: Bitrix24Copy;
      readonly differences: readonly FieldDifference[];
    }
  /** A copy carrying our external id that the mirror does not (or no longer) holds as this kind. */
  | { readonly outcome: 'orphan'; readonly copy: Bitrix24Copy; readonly differences: readonly FieldDifference[] }
  | { readonly outcome: 'failed'; readonly copy: Bitrix24Copy; readonly error: string };

/**
 * A mirror entity against its copy: none and active in the mirror, created; differing fields, written (a copy active
 * in the portal of an entity 1C deleted or left out is `deactivated` by that write); otherwise ok. An inactive
 * entity without a copy is ok: nothing is created only to be inactive.
 */
export function planEntity(projection: Bitrix24Projection, copy: Bitrix24Copy | undefined): ReconcilePlan {
  if (copy === undefined) {
    return projection.fields.active === false ? { outcome: 'ok' } : { outcome: 'created', projection };
  }
  const differing = differences(projection, copy.fields);
  if (differing.length === 0) {
    return { outcome: 'ok', copy };
  }
  const deactivates = projection.fields.active === false && differing.some((one) => one.field === 'active');
  return { outcome: deactivates ? 'deactivated' : 'updated', projection, copy, differences: differing };
}

/** A copy no mirror entity claimed: deactivated when active, never deleted. */
export function planOrphan(copy: Bitrix24Copy): ReconcilePlan {
  switch (activeInPortal(copy.fields)) {
    case true:
      return { outcome: 'orphan', copy, differences: [{ field: 'active', mirror: 'N', bitrix: 'Y' }] };
    case false:
      return { outcome: 'ok', copy };
    case undefined:
      return {
        outcome: 'failed',
        copy,
        error: `the Bitrix24 mapping of ${copy.kind} maps no "active" field, so this orphan cannot be deactivated`,
      };
  }
}

/**
 * The copies of one run, by kind and external id. An entity claims its copy (the one it was written to, when the
 * portal holds several carrying its id); what nobody claims is an orphan.
 */
export class CopyIndex {
  private readonly byExternalId = new Map<string, Bitrix24Copy[]>();
  private readonly claimed = new Set<string>();

  add(copies: readonly Bitrix24Copy[]): void {
    for (const copy of copies) {
      const key = keyOf(copy.kind, copy.externalId);
      this.byExternalId.set(key, [...(this.byExternalId.get(key) ?? []), copy]);
    }
  }

  claim(kind: Bitrix24CopyKind, externalId: string, bitrixId: string | null): Bitrix24Copy | undefined {
    const key = keyOf(kind, externalId);
    this.claimed.add(key);
    const copies = this.byExternalId.get(key);
    if (!copies) {
      return undefined;
    }
    return copies.find((copy) => copy.bitrixId === bitrixId) ?? copies[0];
  }

  /**
   * What nobody claimed. Copies left beside a claimed one carry the id of an entity the mirror holds: they are not
   * orphans (the connector never writes them, an operator made them), and are left alone.
   */
  unclaimed(): Bitrix24Copy[] {
    return [...this.byExternalId.entries()].filter(([key]) => !this.claimed.has(key)).flatMap(([, copies]) => copies);
  }
}

function keyOf(kind: Bitrix24CopyKind, externalId: string): string {
  return `${kind}:${externalId}`;
}

/** Samples kept per outcome: enough to see what drifted without turning the report into a dump. */
export const SAMPLES_PER_OUTCOME = 10;

/** The counts and samples of a run as it goes. */
export class ReconcileReport {
  private readonly counts: Record<ReconcileOutcome, number> = {
    ok: 0,
    created: 0,
    updated: 0,
    deactivated: 0,
    failed: 0,
  };
  private readonly samples: Record<ReconcileOutcome, ReconcileSample[]> = {
    ok: [],
    created: [],
    updated: [],
    deactivated: [],
    failed: [],
  };

  add(outcome: ReconcileOutcome, sample: ReconcileSample): void {
    this.counts[outcome] += 1;
    if (this.samples[outcome].length < SAMPLES_PER_OUTCOME) {
      this.samples[outcome].push(sample);
    }
  }

  get totals(): Readonly<Record<ReconcileOutcome, number>> {
    return { ...this.counts };
  }

  result(status: ReconcileResult['status'], error: string | null = null): ReconcileResult {
    return { status, counts: { ...this.counts }, samples: { ...this.samples }, error };
  }
}
