import { EventsModule } from '@app/events';
import { SlaModule } from '@app/sla';
import { Module } from '@nestjs/common';
import { CashBook } from './application/ports/cash-book.port';
import { CashDocumentStore } from './application/ports/cash-document-store.port';
import { CashPublication } from './application/ports/cash-publication.port';
import { CourierProfiles } from './application/ports/courier-profiles.port';
import { CashDocumentsService } from './application/cash-documents.service';
import { TypeormCashBook } from './infrastructure/cash-book.typeorm-store';
import { TypeormCashDocumentStore } from './infrastructure/cash-document.typeorm-store';
import { CashSlaProbes } from './infrastructure/cash-sla.probes';
import { MasterDataCourierProfiles } from './infrastructure/master-data-courier-profiles.adapter';
import { OutboxCashPublication } from './infrastructure/outbox-cash-publication.adapter';

/** The cash documents' use cases, the couriers' ledger and the adapters of their ports, for both apps. */
@Module({
  imports: [EventsModule, SlaModule],
  providers: [
    CashDocumentsService,
    ...CashSlaProbes,
    { provide: CashDocumentStore, useClass: TypeormCashDocumentStore },
    { provide: CashBook, useClass: TypeormCashBook },
    { provide: CourierProfiles, useClass: MasterDataCourierProfiles },
    { provide: CashPublication, useClass: OutboxCashPublication },
  ],
  exports: [CashDocumentsService],
})
export class CashDocumentsModule {}
