export * from './bitrix24.module';

/** Entities owned by the Bitrix24 connector; migrations/schema.ts lists every lib's. */
export const BITRIX24_ENTITIES: (new () => unknown)[] = [];
