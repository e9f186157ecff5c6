import { AppError } from '@app/core';

/** Why one record of a batch was not applied; the API answers it per item, the exchange counts and logs it. */
export type RejectionCode = 'INVALID_FIELD' | 'UNKNOWN_REFERENCE' | 'STALE_VERSION' | 'DUPLICATE_IN_BATCH';

export interface Rejection {
  readonly code: RejectionCode;
  /** Field path inside the item (`price`, `groupIds.0`); empty for the item as a whole. */
  readonly path: string;
  readonly reason: string;
}

export const MasterDataErrors = {
  notFound: (kind: string, id: string) =>
    new AppError('MASTER_DATA_NOT_FOUND', 'not_found', 'Not found', { detail: `No ${kind} with id ${id}.` }),
  kindNotReadable: (kind: string) =>
    new AppError('MASTER_DATA_KIND_FORBIDDEN', 'forbidden', 'Forbidden', {
      detail: `A courier token cannot read ${kind}.`,
    }),
  reconcileUnsupported: (kind: string) =>
    new AppError('RECONCILE_KIND_UNSUPPORTED', 'not_found', 'Not found', {
      detail: `${kind} is not propagated to Bitrix24, so there is nothing to reconcile.`,
    }),
  reconcileRunning: (kind: string) =>
    new AppError('RECONCILE_RUNNING', 'conflict', 'A reconcile of this kind is running', {
      detail: `A reconcile of ${kind} is already running; wait for it to finish.`,
      retryAfterSeconds: 30,
    }),
};
