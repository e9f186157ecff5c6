import { AppConfig } from '@app/core';
import { Injectable } from '@nestjs/common';
import type { ProjectionSettings } from '../domain/bitrix24-projection';
import { Bitrix24Sources } from './ports/bitrix24-sources.port';

/** What a product's catalog entry is built with: the configured price type and warehouses, and the price types 1C sent. */
@Injectable()
export class ProjectionSettingsReader {
  constructor(
    private readonly config: AppConfig,
    private readonly sources: Bitrix24Sources,
  ) {}

  async read(): Promise<ProjectionSettings> {
    const { bitrix24PriceType, bitrix24StockWarehouses } = this.config.masterData;
    return {
      ...(bitrix24PriceType === undefined ? {} : { priceType: bitrix24PriceType }),
      stockWarehouses: bitrix24StockWarehouses,
      priceTypes: await this.sources.priceTypes(),
    };
  }
}
