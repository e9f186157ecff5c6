/**
 * The audit trail's statement for a transaction's entries, in a module of its own that imports nothing, so the
 * bench's bare server (bench/support/bare-server.ts) sends the very same text without loading the framework.
 */
export const AUDIT_TRAIL_INSERT_SQL = `INSERT INTO audit_trail
                 (domain, entity_type, entity_id, action, source, actor, actor_role, before, after, details, request_id)
          SELECT domain, entity_type, entity_id, action, source, actor, actor_role, before, after, details, request_id
            FROM ROWS FROM (jsonb_to_recordset($1::jsonb)
                   AS (domain text, entity_type text, entity_id text, action text, source text, actor text,
                       actor_role text, before jsonb, after jsonb, details jsonb, request_id text))
                 WITH ORDINALITY AS x(domain, entity_type, entity_id, action, source, actor, actor_role, before, after,
                                      details, request_id, n)
           ORDER BY n`;
