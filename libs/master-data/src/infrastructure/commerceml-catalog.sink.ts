import {
  type CatalogBatch,
  type CatalogExchangeFinished,
  CatalogImportSink,
  type ImportedFileSummary,
} from '@app/onec';
import { Injectable, Logger } from '@nestjs/common';
import { CatalogImportService } from '../application/catalog-import.service';
import { MasterDataMetrics } from '../application/master-data.metrics';
import { mapCatalogRecords } from './commerceml.mapper';

/** Rejected records logged one by one per batch; the rest are counted. */
const LOGGED_REJECTIONS_PER_BATCH = 20;

/**
 * Master data's side of the CommerceML catalog exchange: the connector's one {@link CatalogImportSink}. It runs in
 * the exchange's transaction (UnitOfWork), so each batch's rows commit with the file's checkpoint and a resumed
 * import neither skips nor repeats a record.
 */
@Injectable()
export class CommerceMlCatalogSink extends CatalogImportSink {
  private readonly logger = new Logger(CommerceMlCatalogSink.name);

  constructor(
    private readonly imports: CatalogImportService,
    private readonly metrics: MasterDataMetrics,
  ) {
    super();
  }

  async deliver(batch: CatalogBatch): Promise<void> {
    const versionSeq = await this.imports.versionSeqOf(batch.exchangeSessionId);
    const mapped = mapCatalogRecords(batch.records, versionSeq);
    const units = await this.imports.missingUnits(mapped.unitsNamed);
    const summary = await this.imports.applyBatch(batch.exchangeSessionId, [...units, ...mapped.writes]);

    const rejected = [
      ...mapped.unmappable.map((record) => ({ onecId: record.onecId, path: record.path, reason: record.reason })),
      ...summary.rejected.flatMap(({ kind, result }) =>
        result.outcome === 'rejected'
          ? result.rejections.map((rejection) => ({
              onecId: `${kind}:${result.onecId}`,
              path: rejection.path,
              reason: rejection.reason,
            }))
          : [],
      ),
    ];
    for (const kind of ['prices', 'stock'] as const) {
      const count = mapped.unmappable.filter((record) => record.path.startsWith(`${kind}.`)).length;
      this.metrics.rowsWritten(kind, 'commerceml', 'rejected', count);
    }
    if (rejected.length > 0) {
      this.logger.warn(
        {
          exchangeSessionId: batch.exchangeSessionId,
          file: batch.fileName,
          rejected: rejected.length,
          samples: rejected.slice(0, LOGGED_REJECTIONS_PER_BATCH),
        },
        `1C catalog records rejected: ${rejected.length} of the batch (the rest applied)`,
      );
    }
  }

  async fileCompleted(file: ImportedFileSummary): Promise<void> {
    await this.imports.fileCompleted(file.exchangeSessionId, {
      documentKind: file.documentKind,
      isFullSnapshot: file.isFullSnapshot,
      counts: { group: file.counts.group, property: file.counts.property },
    });
  }

  async exchangeFinished(event: CatalogExchangeFinished): Promise<void> {
    await this.imports.exchangeFinished(event.exchangeSessionId, event.mode);
  }
}
