/** A courier as a portal user: the user id, our id from the mapped user field, and the mapped fields. */
export interface Courier {
  readonly bitrixUserId: string;
  /** Our (1C) courier id from `externalIdField`; absent for users not linked to a courier yet. */
  readonly externalId?: string;
  readonly active: boolean;
  /** Our field names, mapped back from the user's fields. */
  readonly fields: Readonly<Record<string, unknown>>;
}

/**
 * Port: couriers are Bitrix24 users (`user.get`), the one kind the mapping maps as a `user`; the connector never
 * creates them. Reads are keyset-paged and retried; errors are IntegrationErrors (unavailable `BITRIX24_NOT_MAPPED`
 * without a mapped user kind).
 */
export abstract class CourierDirectory {
  /** Active users that carry a courier id in the mapped user field. */
  abstract listCouriers(): Promise<Courier[]>;
  /** The user with this courier id, active or not. */
  abstract findByExternalId(externalId: string): Promise<Courier | undefined>;
}
