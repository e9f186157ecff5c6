import { AppConfig } from '@app/core';
import { Injectable, Logger } from '@nestjs/common';
import { Bitrix24Mapping, EMPTY_MAPPING, loadMappingFile } from './bitrix24-mapping';

/** The mapping from BITRIX24_MAPPING_FILE, read and validated once at boot: a bad file stops the process. */
@Injectable()
export class Bitrix24MappingProvider {
  readonly mapping: Bitrix24Mapping;
  readonly loaded: boolean;

  constructor(config: AppConfig) {
    const file = config.bitrix24.mappingFile;
    this.loaded = file !== undefined;
    this.mapping = file === undefined ? EMPTY_MAPPING : loadMappingFile(file);
    if (!this.loaded && config.bitrix24.authMode !== 'unconfigured') {
      new Logger(Bitrix24MappingProvider.name).warn(
        'BITRIX24_MAPPING_FILE is not set: nothing is mapped, so Bitrix24 jobs wait (see docs/integrations/bitrix24.md)',
      );
    }
  }
}
