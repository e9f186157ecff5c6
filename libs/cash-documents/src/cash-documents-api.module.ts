import { Module } from '@nestjs/common';
import { CashDocumentsModule } from './cash-documents.module';
import { CashDocumentsController } from './http/cash-documents.controller';
import { CourierCashController } from './http/courier-cash.controller';

/** The cash documents' HTTP API, in the API app only. */
@Module({ imports: [CashDocumentsModule], controllers: [CashDocumentsController, CourierCashController] })
export class CashDocumentsApiModule {}
