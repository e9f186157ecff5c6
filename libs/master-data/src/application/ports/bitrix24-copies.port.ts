import type { Bitrix24CopyKind, Bitrix24Projection } from '../../domain/bitrix24-projection';

/** A copy the portal holds that carries one of our external ids. */
export interface Bitrix24Copy {
  readonly kind: Bitrix24CopyKind;
  readonly bitrixId: string;
  readonly externalId: string;
  /** Our field names with the portal's values, for the fields the mapping maps (see `differences`). */
  readonly fields: Readonly<Record<string, unknown>>;
}

export interface Bitrix24CopyPage {
  readonly items: readonly Bitrix24Copy[];
  /** Pass back as `after`; undefined at the end. */
  readonly next?: string;
}

/**
 * Port: the Bitrix24 copies of mirrored products and counterparties. The fields sent are our names; the mapping file
 * decides which reach the portal. Errors are IntegrationErrors the event backbone retries, delays or dead-letters.
 */
export abstract class Bitrix24Copies {
  /**
   * Creates the copy (carrying our external id, so a retry never doubles it) or updates it; a copy deleted in the
   * portal is created again. Returns its Bitrix24 id.
   */
  abstract write(projection: Bitrix24Projection): Promise<string>;

  /** Writes fields to the copy with this id, whatever external id it carries; never creates one. */
  abstract update(kind: Bitrix24CopyKind, bitrixId: string, fields: Bitrix24Projection['fields']): Promise<void>;

  /** Every copy of `kind` carrying an external id, page by page in Bitrix24 id order. */
  abstract list(kind: Bitrix24CopyKind, after?: string): Promise<Bitrix24CopyPage>;

  /** False while no portal is configured here: there are no copies to keep, and every call would fail. */
  abstract isConfigured(): boolean;
}
