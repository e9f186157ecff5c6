/** One entity of a written kind as the portal holds it now, in our vocabulary. */
export interface RemoteEntitySnapshot {
  readonly kind: string;
  readonly bitrixId: string;
  /** Our id from `xmlId` / `originId`: only entities carrying one are listed. */
  readonly externalId: string;
  /**
   * Our field names, mapped back through the mapping file, with the values the portal shows (prices as it echoes
   * them, e.g. `"45.500000"`, flags as `Y`/`N`); a multi-field is the list of its values. Compare with
   * {@link RemoteEntityDirectory.drift}, not by equality.
   */
  readonly fields: Readonly<Record<string, unknown>>;
  /** Our status for the stage (smart processes with stages). */
  readonly status?: string;
  /** The portal's change time (`updatedTime`, `timestampX` for products). */
  readonly remoteUpdatedAt?: Date;
}

export interface RemoteEntityPage {
  readonly items: RemoteEntitySnapshot[];
  /** Pass back as `after` for the next page; undefined when the kind has been listed to the end. */
  readonly next?: string;
}

/**
 * Port: what the portal holds of a kind the connector writes (`smart_process`, `company`, `contact`,
 * `catalog_product`), for a domain's reconcile against its own records: list every entity carrying an external id,
 * find what drifted, and write to an entity by its Bitrix24 id (e.g. to deactivate an orphan our records do not
 * know). Reads and writes spend the shared quota like every other call. Errors are IntegrationErrors as for
 * CrmItemGateway: permanent `BITRIX24_INVALID_REQUEST` (not a registered writable kind, or a value that
 * cannot be written), unavailable `BITRIX24_NOT_MAPPED` / `BITRIX24_UNCONFIGURED`, permanent `BITRIX24_NOT_FOUND`
 * (`updateById` of an entity that is gone), transient and rate-limited failures of the portal.
 */
export abstract class RemoteEntityDirectory {
  /**
   * Keyset pages, in Bitrix24 id order, of the entities of `kind` that carry an external id (companies and contacts
   * under our `originatorId`; products whose `xmlId` is more than the portal's default, their own id). `limit`:
   * 1..200, default 50. Pages may hold fewer items than `limit` before the end; only `next` says more follow.
   */
  abstract list(kind: string, page?: { readonly after?: string; readonly limit?: number }): Promise<RemoteEntityPage>;

  /**
   * Writes our mapped fields to the entity with this Bitrix24 id; never creates one, never changes its external id.
   * Multi-fields are set by value id as in an upsert. Our write coming back as an event is recognised (its hash is
   * recorded), so it does not reach the kind's inbound handler as a change. Fields the mapping does not map are
   * not sent; with none left, nothing is.
   */
  abstract updateById(kind: string, bitrixId: string, fields: Readonly<Record<string, unknown>>): Promise<void>;

  /**
   * Our fields among `fields` whose value `snapshot` shows differently, compared the way the connector compares
   * its own writes: numbers by value (`"45.500000"` equals 45.5), flags Y/N and booleans alike, multi-fields as
   * their values (phones by digits, e-mails case-insensitively, in any order; a copy held twice is a difference).
   * Fields the mapping does not map are never reported. Synchronous, no call to the portal.
   */
  abstract drift(snapshot: RemoteEntitySnapshot, fields: Readonly<Record<string, unknown>>): string[];
}
