import type { ChangedEntity } from './ports/change-announcer.port';

/** The worker's destination that keeps Bitrix24's copies of mirrored entities in step. */
export const MASTER_DATA_BITRIX24_DESTINATION = 'master-data.bitrix24';
/** Data: {@link ChangedEntity}. The consumer reads the entity's current state, so a burst of changes writes once. */
export const MASTER_DATA_CHANGED = 'mastermobile.master_data.changed.v1';

/** One subject per entity: the changes of one entity reach Bitrix24 in order. */
export function subjectOf(change: ChangedEntity): string {
  return `${change.kind}:${change.onecId}`;
}
