import { type EnvReader, registerConfigSection } from '@app/core';

/** How the mirror is copied to Bitrix24 and checked against it. */
export interface MasterDataSettings {
  /**
   * The price type whose price a catalog product shows in Bitrix24, by 1C id or name; unset: the first price type 1C
   * sent.
   */
  readonly bitrix24PriceType?: string;
  /** Warehouses (1C ids) whose stock is summed into a product's quantity in Bitrix24; empty: every warehouse. */
  readonly bitrix24StockWarehouses: readonly string[];
  /** How often the worker reconciles products and counterparties with Bitrix24; 0 turns the schedule off. */
  readonly reconcileIntervalMs: number;
}

export function readMasterDataConfig(read: EnvReader): MasterDataSettings {
  return {
    bitrix24PriceType: read.optionalString('MASTER_DATA_BITRIX24_PRICE_TYPE'),
    bitrix24StockWarehouses: read.list('MASTER_DATA_BITRIX24_STOCK_WAREHOUSES'),
    reconcileIntervalMs: read.int('MASTER_DATA_RECONCILE_INTERVAL_MINUTES', 360, { min: 0, max: 7 * 24 * 60 }) * 60_000,
  };
}

declare module '@app/core' {
  interface ConfigSections {
    /** The master-data mirror's section. */
    readonly masterData: MasterDataSettings;
  }
}

registerConfigSection('masterData', readMasterDataConfig);
