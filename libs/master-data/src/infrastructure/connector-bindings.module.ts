import { Bitrix24Module } from '@app/bitrix24';
import { Module } from '@nestjs/common';
import { MASTER_DATA_BITRIX24_KINDS } from './bitrix24-kinds';
import { CommerceMlCatalogSink } from './commerceml-catalog.sink';

/**
 * Where master data plugs into the connectors in both apps: the 1C catalog sink (the connector finds it at
 * start-up) and the Bitrix24 entity kinds (both apps read the mapping file).
 */
@Module({
  imports: [Bitrix24Module.forFeature({ kinds: MASTER_DATA_BITRIX24_KINDS })],
  providers: [CommerceMlCatalogSink],
})
export class MasterDataConnectorBindings {}
