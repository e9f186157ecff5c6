/**
 * Takes the key for this transaction: the advisory lock first (a duplicate still running holds it, and this request
 * gets 409 rather than a wait), then the row, new or in place of an expired one. No row back means the key is taken.
 * In a module of its own that imports nothing, so the bench's bare server sends the very same text.
 */
export const IDEMPOTENCY_CLAIM_SQL = `
  INSERT INTO idempotency_keys AS k
         (principal, method, route, key, fingerprint, response_status, response_headers, response_body, request_id,
          created_at, expires_at)
  SELECT $1, $2, $3, $4, $5, 0, '{}', '', $6, now(), now() + $7 * interval '1 hour'
   WHERE pg_try_advisory_xact_lock($8::bigint)
  ON CONFLICT (principal, method, route, key) DO UPDATE
     SET fingerprint = EXCLUDED.fingerprint, response_status = 0, response_headers = '{}', response_body = '',
         request_id = EXCLUDED.request_id, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at
   WHERE k.expires_at <= now()
  RETURNING 1`;
