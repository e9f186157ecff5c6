import { Logger } from '@nestjs/common';
import {
  CatalogBatch,
  CatalogExchangeFinished,
  CatalogImportSink,
  ImportedFileSummary,
} from './catalog-import-sink.port';

/**
 * The stand-in while no master-data sink is bound (outside production only, or with the exchange unconfigured):
 * accepts every record and logs one line per imported file, so an exchange with a real 1C can be run end to end
 * (the records are counted in the session and in metrics).
 */
export class LoggingCatalogImportSink extends CatalogImportSink {
  private readonly logger = new Logger('OnecCatalogImport');

  deliver(_batch: CatalogBatch): Promise<void> {
    return Promise.resolve();
  }

  fileCompleted(file: ImportedFileSummary): Promise<void> {
    this.logger.log(
      {
        exchangeSessionId: file.exchangeSessionId,
        file: file.fileName,
        documentKind: file.documentKind,
        counts: file.counts,
      },
      `1C catalog file imported (no master-data sink bound: records were counted, not stored)`,
    );
    return Promise.resolve();
  }

  exchangeFinished(event: CatalogExchangeFinished): Promise<void> {
    this.logger.log({ exchangeSessionId: event.exchangeSessionId, mode: event.mode }, '1C catalog exchange finished');
    return Promise.resolve();
  }
}
