/** The outbox destination whose consumer writes to Bitrix24. */
export const BITRIX24_DESTINATION = 'bitrix24';
/** Create or update one of our entities in Bitrix24; data: {@link UpsertRequest}; subject: the external id. */
export const BITRIX24_UPSERT_REQUESTED = 'mastermobile.bitrix24.upsert_requested.v1';
/** The internal destination that processes what the webhook receiver, the offline queue and the reconcile stored. */
export const BITRIX24_INBOX_DESTINATION = 'internal.bitrix24-inbox';
export const BITRIX24_EVENT_RECEIVED = 'mastermobile.bitrix24.event_received.v1';
/** The inbox `source` of everything Bitrix24 told us. */
export const BITRIX24_SOURCE = 'bitrix24';
