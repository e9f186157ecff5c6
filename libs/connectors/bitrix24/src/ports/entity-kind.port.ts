/**
 * How one of our entity kinds lives in Bitrix24. The connector knows these representations and nothing of the domain:
 * - `smart_process`: a smart-process item (`crm.item.*`, `entityTypeId` >= 128), our id in `xmlId`, statuses as
 *   stages;
 * - `company`, `contact`: CRM items of the fixed types 4 and 3, our id in `originId` under our `originatorId`;
 * - `catalog_product`: a product of the catalog (`catalog.product.*`), our id in `xmlId`;
 * - `user`: a portal user (`user.get`) linked by a user field; read, never written.
 */
export const BITRIX24_REPRESENTATIONS = ['smart_process', 'company', 'contact', 'catalog_product', 'user'] as const;
export type Bitrix24Representation = (typeof BITRIX24_REPRESENTATIONS)[number];

/**
 * One of our entity kinds (a delivery, a counterparty…), registered by the domain lib that owns it with
 * `Bitrix24Module.forFeature({ kinds })`. The mapping file maps registered kinds only; its key is `name`, which also
 * names the kind in upsert requests, inbound changes and `@Bitrix24InboundHandler({ kinds })`.
 */
export interface Bitrix24EntityKind {
  /** Lower-case letters, digits and `_`, e.g. `delivery`, `instant_order`. */
  readonly name: string;
  readonly representation: Bitrix24Representation;
  /**
   * `smart_process` only: the items have lines (a sale's products) the domain needs on the way in, so every inbound
   * re-read of an item also reads its rows (`crm.item.productrow.list`) into {@link InboundChange.productRows}. Off
   * by default because it costs one more call per passed-on change.
   */
  readonly productRows?: boolean;
}
