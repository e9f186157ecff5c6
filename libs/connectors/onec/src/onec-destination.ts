/**
 * The outbox destination of the events addressed to 1C: pushed to 1C's HTTP service where one is configured
 * (`OnecPushConsumer`), otherwise pulled by 1C from `GET /api/v1/events`. The value is part of the events contract
 * (docs/events.md, type catalogue): stored rows and 1C's cursors carry it, so it never changes.
 */
export const ONEC_DESTINATION = 'onec';
