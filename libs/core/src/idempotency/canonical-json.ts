import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every depth, so `{a,b}` and `{b,a}` fingerprint the same. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) {
    return 'null';
  }
  if (value === null || typeof value !== 'object') {
    return JSON.stringify(value);
  }
  // Plain loops and string concatenation: every record of a bulk import is hashed through here, and the
  // entries/filter/map/join version spent most of its time allocating the intermediate arrays.
  let out: string;
  if (Array.isArray(value)) {
    out = '[';
    for (let index = 0; index < value.length; index++) {
      out += (index === 0 ? '' : ',') + canonicalJson(value[index]);
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  out = '{';
  let first = true;
  // The default sort compares UTF-16 code units, as `<` does.
  for (const key of Object.keys(record).sort()) {
    const item = record[key];
    if (item !== undefined) {
      out += `${first ? '' : ','}${JSON.stringify(key)}:${canonicalJson(item)}`;
      first = false;
    }
  }
  return `${out}}`;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A signed 64-bit advisory-lock key derived from arbitrary text. */
export function advisoryLockKey(text: string): string {
  return createHash('sha256').update(text).digest().readBigInt64BE(0).toString();
}
