import { AppConfig, UnitOfWork } from '@app/core';
import {
  OnecSaleDocumentsContribution,
  OnecSaleOrdersContribution,
  type PendingSaleOrder,
  type SaleDocumentsBatch,
  type SaleOrderRef,
} from '@app/onec';
import { Injectable } from '@nestjs/common';
import { ReturnsService } from '../application/returns.service';
import { RETURN_OPERATION, toReturnDocument } from './onec-return-document.mapper';

/** Received returns wait for 1C's `sale/query`; `sale/success` marks exported only the version 1C read. */
@Injectable()
export class ReturnsSaleOrders extends OnecSaleOrdersContribution {
  readonly documentTypes = [RETURN_OPERATION];

  constructor(
    private readonly returns: ReturnsService,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async pending(limit: number): Promise<PendingSaleOrder[]> {
    return (await this.returns.waitingForOnec(limit)).map((entry) => ({
      ref: { id: entry.id, version: String(entry.version) },
      document: toReturnDocument(entry, this.config.onec.timeZone),
      waitingSince: entry.updatedAt,
    }));
  }

  async markExported(refs: readonly SaleOrderRef[]): Promise<void> {
    await this.returns.markExported(refs.map((ref) => ({ id: ref.id, version: Number(ref.version) })));
  }
}

/**
 * 1C's answer about a return in `sale/file`: `Проведен` posts it with `Номер по 1С` and `Дата по 1С` (the
 * document's own number and date where 1C sends no requisites); a document not posted yet changes nothing.
 */
@Injectable()
export class ReturnsSaleDocuments extends OnecSaleDocumentsContribution {
  readonly documentTypes = [RETURN_OPERATION];

  constructor(
    private readonly returns: ReturnsService,
    private readonly unitOfWork: UnitOfWork,
  ) {
    super();
  }

  async accept(batch: SaleDocumentsBatch): Promise<void> {
    const postings = batch.documents.flatMap((document) => {
      const documentNumber = document.number1c ?? document.number;
      const documentDate = (document.date1c ?? document.date)?.slice(0, 10);
      return document.posted === true && documentNumber && documentDate
        ? [{ returnId: document.id, documentNumber, documentDate }]
        : [];
    });
    await this.unitOfWork.run(() => this.returns.applyOnecDocuments(postings));
  }
}
