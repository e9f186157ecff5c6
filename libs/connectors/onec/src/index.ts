export * from './commerceml';
export * from './onec.module';
export * from './zip';

/** Entities owned by the 1C connector; migrations/schema.ts lists every lib's. */
export const ONEC_ENTITIES: (new () => unknown)[] = [];
