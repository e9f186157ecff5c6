// Registers the connector's configuration section (`config.onec`) with core's loader before anything loads it.
import './onec.config';

// The 1C connector's public surface: its modules, its ports and the types they use. The parser, the writer, the
// exchange and the HTTP-service client stay inside; tests that need them import them by path.
export * from './onec.module';
// The destination domain modules publish 1C's events to (from their infrastructure/, like any connector import).
export * from './onec-destination';
// Its recurring jobs, for the worker's list (apps/worker/src/recurring-jobs.ts).
export { ExchangeJanitor, PurgeExchangeSessionsJob } from './exchange/exchange-janitor';
export * from './ports/catalog-import-sink.port';
export * from './ports/onec-push.port';
export * from './ports/sale-documents-contribution.port';
export * from './ports/sale-orders-contribution.port';
// The records the catalog and sale-documents ports carry (with the record kinds their counts are keyed by).
export * from './commerceml/commerceml.records';
export type * from './commerceml/sale-document';
export { toLocalDateTime } from './commerceml/commerceml.writer';

import { ExchangeFileEntity } from './exchange/exchange-file.entity';
import { ExchangeSessionEntity } from './exchange/exchange-session.entity';
import { FeedCursorEntity } from './feed/feed-cursor.entity';

/** Entities owned by the 1C connector; migrations/schema.ts lists every lib's. */
export const ONEC_ENTITIES: (new () => unknown)[] = [ExchangeSessionEntity, ExchangeFileEntity, FeedCursorEntity];
