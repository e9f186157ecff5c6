import { AppConfig } from '@app/core';
import { Injectable, Logger } from '@nestjs/common';
import { Bitrix24EntityKinds } from '../kinds/entity-kinds';
import { Bitrix24Mapping, EMPTY_MAPPING, loadMappingFile } from './bitrix24-mapping';

/**
 * The mapping from BITRIX24_MAPPING_FILE, read and validated once at boot against the registered entity kinds: a bad
 * file stops the process; entries for kinds nobody registered are ignored with a warning.
 */
@Injectable()
export class Bitrix24MappingProvider {
  readonly mapping: Bitrix24Mapping;
  readonly loaded: boolean;

  constructor(config: AppConfig, kinds: Bitrix24EntityKinds) {
    const file = config.bitrix24.mappingFile;
    const logger = new Logger(Bitrix24MappingProvider.name);
    this.loaded = file !== undefined;
    this.mapping = file === undefined ? EMPTY_MAPPING : loadMappingFile(file, kinds.all);
    if (!this.loaded && config.bitrix24.authMode !== 'unconfigured') {
      logger.warn(
        'BITRIX24_MAPPING_FILE is not set: nothing is mapped, so Bitrix24 jobs wait (see docs/integrations/bitrix24.md)',
      );
    }
    if (this.mapping.ignoredKinds.length > 0) {
      logger.warn(
        `BITRIX24_MAPPING_FILE maps entity kinds no module registered, ignored: ${this.mapping.ignoredKinds.join(', ')} ` +
          `(registered: ${kinds.all.map((kind) => kind.name).join(', ') || 'none'})`,
      );
    }
    const unmapped = kinds.all.filter((kind) => this.loaded && !(kind.name in this.mapping.entities));
    if (unmapped.length > 0) {
      logger.log(
        `Registered entity kinds the mapping leaves out (their Bitrix24 jobs wait): ${unmapped.map((kind) => kind.name).join(', ')}`,
      );
    }
  }
}
