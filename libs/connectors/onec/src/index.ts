export * from './commerceml';
export * from './onec.module';
export * from './zip';
export * from './ports/catalog-import-sink.port';
export * from './ports/sale-documents-sink.port';
export * from './ports/sale-orders-source.port';
export * from './ports/onec-push.port';
export { EXCHANGE_COOKIE_NAME } from './exchange/exchange-auth.service';
export { EXCHANGE_PATHS } from './exchange/exchange.controller';
export type { ExchangeFailureCode } from './exchange/exchange-failure';
export type { ExchangeSessionState, ExchangeType } from './exchange/exchange-session.entity';
export { classifyResponse, pushPayloadOf, type OnecPushPayload } from './http-service/onec-http-service.client';

import { ExchangeFileEntity } from './exchange/exchange-file.entity';
import { ExchangeSessionEntity } from './exchange/exchange-session.entity';

/** Entities owned by the 1C connector; migrations/schema.ts lists every lib's. */
export const ONEC_ENTITIES: (new () => unknown)[] = [ExchangeSessionEntity, ExchangeFileEntity];
