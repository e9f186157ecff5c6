/**
 * What a full snapshot covers, so that what it did not mention can be deactivated: products and their variants
 * separately, because goods and offers come in different files.
 */
export const DEACTIVATION_SCOPES = ['product-groups', 'properties', 'products', 'variants', 'prices', 'stock'] as const;
export type DeactivationScope = (typeof DEACTIVATION_SCOPES)[number];

/** Port: master data's own record of each CommerceML exchange it received. */
export abstract class ImportSessions {
  /** The exchange's version order: fixed by its first batch, the same when an import resumes. */
  abstract versionSeqOf(exchangeSessionId: string): Promise<bigint>;

  abstract addFullScopes(exchangeSessionId: string, scopes: readonly DeactivationScope[]): Promise<void>;

  /** Marks the exchange finished and returns the scopes its full snapshots covered; undefined when already done. */
  abstract finish(exchangeSessionId: string): Promise<readonly DeactivationScope[] | undefined>;
}
