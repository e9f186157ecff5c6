import type { MasterDataKind } from '../../domain/master-data-kind';

/** A mirrored entity whose Bitrix24 copy may have to change. */
export interface ChangedEntity {
  readonly kind: MasterDataKind;
  readonly onecId: string;
}

/**
 * Port: announces changed entities to whoever keeps copies of them (the Bitrix24 propagation). Runs in the
 * transaction of the change, so an announcement exists exactly when the change committed.
 */
export abstract class ChangeAnnouncer {
  abstract announce(changes: readonly ChangedEntity[]): Promise<void>;
}
