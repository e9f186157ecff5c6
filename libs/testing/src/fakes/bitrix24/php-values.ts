/** Reading loosely typed request values the way PHP handlers do. */

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** PHP arrays arrive as JSON lists or, from bracket forms past qs's array limit, as objects with numeric keys. */
export function toList(value: unknown): unknown[] {
  if (Array.isArray(value)) {
    // A sparse list (bracket keys with gaps) reads as its present values, as PHP's array_values would.
    return Object.values(value);
  }
  if (isRecord(value)) {
    return Object.values(value);
  }
  return [value];
}

/** A scalar parameter as a string; arrays and objects (bracket forms gone wrong) read as empty. */
export function stringParam(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

/** An integer parameter as PHP's `intval` reads it: missing or garbage is 0. */
export function intParam(value: unknown): number {
  const parsed = typeof value === 'number' ? value : Number.parseInt(stringParam(value), 10);
  return Number.isFinite(parsed) ? Math.trunc(parsed) : 0;
}

/** A list as PHP holds it: a JSON list or bracket keys 0..n-1. Anything else is keyed (ids, `n0`). */
export function isDenseList(value: unknown): value is unknown[] {
  return Array.isArray(value) && Object.keys(value).every((key, index) => key === String(index));
}
