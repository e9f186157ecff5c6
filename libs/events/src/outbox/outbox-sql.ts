/**
 * EventPublisher's statement for a transaction's outbox rows, in a module of its own that imports nothing, so the
 * bench's bare server (bench/support/bare-server.ts) sends the very same text without loading the framework.
 */
export const OUTBOX_INSERT_SQL = `INSERT INTO outbox_events
                 (id, destination, type, subject, data, entity_version, source, time, request_id, traceparent)
          SELECT id, destination, type, subject, data, entity_version, source, time, request_id, traceparent
            FROM ROWS FROM (jsonb_to_recordset($1::jsonb)
                   AS (id uuid, destination text, type text, subject text, data jsonb, entity_version bigint,
                       source text, time timestamptz, request_id text, traceparent text))
                 WITH ORDINALITY AS x(id, destination, type, subject, data, entity_version, source, time, request_id,
                                      traceparent, n)
           ORDER BY n`;
