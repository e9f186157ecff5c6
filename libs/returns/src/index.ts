// Registers the lib's configuration section (`config.returns`) with core's loader before anything loads it.
import './returns.config';

// The returns lib's public surface: its modules for the apps, its domain vocabulary, and its entities.
export * from './returns.module';
export * from './returns-api.module';
export * from './returns-worker.module';
export * from './domain/return-status';
export { RETURN_REASONS } from './domain/return';
export { RETURN_RECEIVED } from './infrastructure/outbox-return-publication.adapter';
export { RETURN_OPERATION } from './infrastructure/onec-return-document.mapper';

import { ReturnEntity } from './infrastructure/return.entity';

/** Entities owned by returns; migrations/schema.ts lists every lib's. */
export const RETURNS_ENTITIES = [ReturnEntity];
