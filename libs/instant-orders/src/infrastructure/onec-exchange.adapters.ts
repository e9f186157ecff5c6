import { AppConfig, UnitOfWork } from '@app/core';
import {
  type DocumentRecord,
  OnecSaleDocumentsContribution,
  OnecSaleOrdersContribution,
  type PendingSaleOrder,
  type SaleDocumentsBatch,
  type SaleOrderRef,
} from '@app/onec';
import { Injectable } from '@nestjs/common';
import { InstantOrdersService, type PostingReport } from '../application/instant-orders.service';
import { INSTANT_ORDER_OPERATION, toSaleDocument } from './onec-sale-document.mapper';

/**
 * Accepted orders wait for 1C's `sale/query`; `sale/success` marks sent only the version each was served at, so an
 * order amended in between goes out again.
 */
@Injectable()
export class InstantOrdersSaleOrders extends OnecSaleOrdersContribution {
  readonly documentTypes = [INSTANT_ORDER_OPERATION];

  constructor(
    private readonly orders: InstantOrdersService,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async pending(limit: number): Promise<PendingSaleOrder[]> {
    const waiting = await this.orders.waitingForOnec(limit);
    return waiting.map((order) => ({
      ref: { id: order.id, version: String(order.version) },
      document: toSaleDocument(order, this.config.onec.timeZone),
      waitingSince: order.updatedAt,
    }));
  }

  async markExported(refs: readonly SaleOrderRef[]): Promise<void> {
    await this.orders.markExported(refs.map((ref) => ({ id: ref.id, version: Number(ref.version) })));
  }
}

/**
 * 1C's answer about an order in `sale/file`: `Проведен` posts it (with `Номер по 1С` and `Дата по 1С`); `Отменен`
 * or a deletion mark rejects it, with 1C's status or comment as the reason. A document neither posted nor refused
 * yet (1C keeps the order open) changes nothing.
 */
@Injectable()
export class InstantOrdersSaleDocuments extends OnecSaleDocumentsContribution {
  readonly documentTypes = [INSTANT_ORDER_OPERATION];

  constructor(
    private readonly orders: InstantOrdersService,
    private readonly unitOfWork: UnitOfWork,
  ) {
    super();
  }

  async accept(batch: SaleDocumentsBatch): Promise<void> {
    const reports = batch.documents.flatMap((document) => {
      const report = postingOf(document);
      return report ? [{ ...report, orderId: document.id }] : [];
    });
    await this.unitOfWork.run(() => this.orders.applyOnecDocuments(reports));
  }
}

function postingOf(document: DocumentRecord): PostingReport | undefined {
  if (document.cancelled === true || document.deleted === true) {
    return {
      outcome: 'rejected',
      documentNumber: document.number1c,
      documentDate: document.date1c,
      reason: document.status ?? document.comment ?? '1C cancelled the order',
    };
  }
  if (document.posted === true) {
    return { outcome: 'posted', documentNumber: document.number1c, documentDate: document.date1c, reason: null };
  }
  return undefined;
}
