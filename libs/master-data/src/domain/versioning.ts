import { canonicalJson, sha256Hex } from '@app/core';
import type { MasterDataKind } from './master-data-kind';
import type { KindData, MirrorWrite } from './mirror-records';

export type WriteOutcome = 'created' | 'updated' | 'unchanged' | 'stale';

/** What the version rules need of a stored row. */
export interface StoredVersion {
  readonly versionSeq: bigint;
  readonly contentHash: string;
  readonly deleted: boolean;
  readonly deactivated: boolean;
}

/** The hash of what a record says: its content and its deletion mark, never its version or its timestamps. */
export function contentHashOf<K extends MasterDataKind>(data: KindData[K], deleted: boolean): string {
  return sha256Hex(canonicalJson({ data, deleted }));
}

/**
 * The version rules, in order:
 * 1. nothing stored: `created`;
 * 2. an older version (`versionSeq` below the stored one): `stale`, it never overwrites a newer one;
 * 3. the same content (hash) on a row that is still active: `unchanged`, a no-op (no row write, no event);
 * 4. from the JSON API, the same version with other content: `stale` too (two states cannot share one version);
 *    within one CommerceML exchange (one `versionSeq`) the later record wins, as 1C's files are in order;
 * 5. otherwise `updated` (which also reactivates a row a full snapshot had deactivated).
 */
export function decideWrite(
  write: Pick<MirrorWrite, 'versionSeq' | 'source'>,
  hash: string,
  stored?: StoredVersion,
): WriteOutcome {
  if (!stored) {
    return 'created';
  }
  if (write.versionSeq < stored.versionSeq) {
    return 'stale';
  }
  if (hash === stored.contentHash && !stored.deactivated) {
    return 'unchanged';
  }
  if (write.source === 'api' && write.versionSeq === stored.versionSeq && hash !== stored.contentHash) {
    return 'stale';
  }
  return 'updated';
}
