import { Module } from '@nestjs/common';
import { CashDocumentsModule } from './cash-documents.module';
import { CashConsumer } from './infrastructure/cash.consumer';

/** The cash documents in the worker: the cash the other domains report, and the documents on their way to 1C. */
@Module({ imports: [CashDocumentsModule], providers: [CashConsumer] })
export class CashDocumentsWorkerModule {}
