// Registers the lib's configuration section (`config.masterData`) with core's loader before anything loads it.
import './master-data.config';

// The master-data lib's public surface: its modules for the apps, and the entities for the schema.
export * from './master-data.module';
export * from './master-data-api.module';
export * from './master-data-worker.module';
export * from './reconcile-api.module';
// What other domains validate their documents against, and the shared vocabulary of VAT rates.
export { MasterDataReferences, type MirrorReference, type OfferTerms } from './application/master-data-references';
export type { MasterDataKind } from './domain/master-data-kind';
export { VAT_RATES, type VatRate, isVatRate } from './domain/vat-rate';
// Its recurring job, for the worker's list (apps/worker/src/recurring-jobs.ts).
export { MasterDataReconcileJob } from './jobs/reconcile.job';

import {
  FeedCursorEntity,
  ImportSessionEntity,
  ImportTouchEntity,
  ReconcileRunEntity,
} from './infrastructure/bookkeeping.entities';
import { MIRROR_ENTITY_OF } from './infrastructure/mirror.entities';

/** Entities owned by master data; migrations/schema.ts lists every lib's. */
export const MASTER_DATA_ENTITIES: (new () => unknown)[] = [
  ...Object.values(MIRROR_ENTITY_OF),
  FeedCursorEntity,
  ImportSessionEntity,
  ImportTouchEntity,
  ReconcileRunEntity,
];
