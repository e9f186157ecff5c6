import type { UpsertRequest, UpsertResult } from './upsert.port';

/**
 * Port: our entities that are CRM items in Bitrix24: kinds registered as `smart_process` (deliveries, instant
 * orders, returns), `company` or `contact`. `upsert` creates the item the first time and updates it after; repeated
 * or retried calls never create a second item (the external id is stored in `xmlId` / `originId` and looked up after
 * an unanswered create). Rejects with an IntegrationError the event backbone understands, among them:
 * - permanent `BITRIX24_INVALID_REQUEST`: the kind is not registered, or is not a CRM item;
 * - permanent `BITRIX24_UNMAPPED_STATUS`: the mapping has no stage for the status (nothing is written);
 * - unavailable `BITRIX24_NOT_MAPPED`: the kind is registered but the mapping file leaves it out (retried later).
 */
export abstract class CrmItemGateway {
  abstract upsert(request: UpsertRequest): Promise<UpsertResult>;
}
