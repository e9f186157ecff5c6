import { parse } from 'qs';
import { isRecord } from './php-values';

export type Params = Record<string, unknown>;

// PHP accepts deep bracket keys and long lists; qs's defaults (depth 5, 20 array items) would turn them into objects.
// PHP also keeps an array's keys: `fields[fm][5]` addresses multi-field value 5, so sparse lists keep their indexes
// (qs would otherwise compact `[5]` to `[0]`).
const QS_OPTIONS = { depth: 20, arrayLimit: 1000, parameterLimit: 100_000, allowSparse: true } as const;

export function parseQueryString(query: string): Params {
  return parse(query.replace(/^\?/, ''), QS_OPTIONS);
}

/**
 * Like PHP's `$_REQUEST`: query-string parameters overlaid by the body, which may be JSON or a bracket-keyed form.
 * A body that is not valid JSON is ignored rather than rejected, as the portal does with unparsable input.
 */
export function parseRequestParams(search: string, body: string, contentType: string | undefined): Params {
  const query = parseQueryString(search);
  if (body.trim() === '') {
    return query;
  }
  if ((contentType ?? '').includes('json')) {
    try {
      const parsed: unknown = JSON.parse(body);
      return isRecord(parsed) ? { ...query, ...parsed } : query;
    } catch {
      return query;
    }
  }
  return { ...query, ...parseQueryString(body) };
}

/** Looks a parameter up case-insensitively, as the portal's `array_change_key_case` handlers do. */
export function paramCi(params: Params, name: string): unknown {
  const wanted = name.toLowerCase();
  const key = Object.keys(params).find((candidate) => candidate.toLowerCase() === wanted);
  return key === undefined ? undefined : params[key];
}
