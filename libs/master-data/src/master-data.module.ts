import { EventsModule } from '@app/events';
import { Global, Module } from '@nestjs/common';
import { CatalogImportService } from './application/catalog-import.service';
import { MasterDataReferences } from './application/master-data-references';
import { MasterDataMetrics } from './application/master-data.metrics';
import { MirrorWriter } from './application/mirror-writer.service';
import { ChangeAnnouncer } from './application/ports/change-announcer.port';
import { ImportSessions } from './application/ports/import-sessions.port';
import { MirrorStore } from './application/ports/mirror-store.port';
import { MasterDataConnectorBindings } from './infrastructure/connector-bindings.module';
import { TypeormImportSessions } from './infrastructure/import-sessions.typeorm-store';
import { TypeormMirrorStore } from './infrastructure/mirror.typeorm-store';
import { OutboxChangeAnnouncer } from './infrastructure/outbox-change-announcer.adapter';

/**
 * The mirror, in both apps: its storage, the write rules and the catalog import. Global, because the connector
 * bindings (and later domain libs validating against the mirror) use its services.
 */
@Global()
@Module({
  imports: [EventsModule, MasterDataConnectorBindings],
  providers: [
    MasterDataMetrics,
    MirrorWriter,
    CatalogImportService,
    MasterDataReferences,
    { provide: MirrorStore, useClass: TypeormMirrorStore },
    { provide: ImportSessions, useClass: TypeormImportSessions },
    { provide: ChangeAnnouncer, useClass: OutboxChangeAnnouncer },
  ],
  exports: [MirrorStore, MirrorWriter, CatalogImportService, MasterDataMetrics, MasterDataReferences],
})
export class MasterDataModule {}
