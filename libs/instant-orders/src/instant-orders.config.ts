import { type EnvReader, registerConfigSection } from '@app/core';

/** The rules of a courier's sale that vary by business. */
export interface InstantOrdersSettings {
  /** The largest discount a courier may grant on a line, in percent of the line before it (with a reason). */
  readonly discountLimitPercent: number;
  /** The price types couriers sell at; empty: any the mirror holds in use. */
  readonly priceTypeIds: readonly string[];
  /**
   * How long a posted order's stock stays held when the mirror's stock level does not change after the posting
   * (1C's stock export left it as it was, or has not come yet).
   */
  readonly postedStockHoldMs: number;
}

export function readInstantOrdersConfig(read: EnvReader): InstantOrdersSettings {
  return {
    discountLimitPercent: read.int('INSTANT_ORDERS_DISCOUNT_LIMIT_PERCENT', 10, { min: 0, max: 100 }),
    priceTypeIds: read.list('INSTANT_ORDERS_PRICE_TYPES'),
    postedStockHoldMs: read.int('INSTANT_ORDERS_POSTED_STOCK_HOLD_HOURS', 24, { min: 0, max: 24 * 30 }) * 3_600_000,
  };
}

declare module '@app/core' {
  interface ConfigSections {
    /** The instant orders' section. */
    readonly instantOrders: InstantOrdersSettings;
  }
}

registerConfigSection('instantOrders', readInstantOrdersConfig);
