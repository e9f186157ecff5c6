import { AppConfig } from '@app/core';
import { EventPublisher } from '@app/events';
import { ONEC_DESTINATION } from '@app/onec';
import { Injectable } from '@nestjs/common';
import { CashPublication } from '../application/ports/cash-publication.port';
import {
  CASH_DESTINATION,
  CASH_REFUND_SETTLED,
  type CashRefundSettledData,
  REFUND_SETTLEMENTS_DESTINATION,
} from '../cash-events';
import type { CashDocument } from '../domain/cash-document';
import { toOnecCashDocument } from './onec-cash-document.mapper';

/** A submitted document waits here for the worker to give it to 1C (a cancellation may still overtake it). */
export const CASH_DOCUMENT_QUEUED = 'mastermobile.cash_document.queued.v1';

/** A cash document for 1C to post: pushed to 1C's HTTP service where one is configured, in its pull feed always. */
export const CASH_DOCUMENT_SUBMITTED = 'mastermobile.cash_document.submitted.v1';

@Injectable()
export class OutboxCashPublication extends CashPublication {
  constructor(
    private readonly publisher: EventPublisher,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async queue(document: CashDocument): Promise<void> {
    await this.publisher.publish({
      destination: CASH_DESTINATION,
      type: CASH_DOCUMENT_QUEUED,
      subject: `cash_document:${document.id}`,
      entityVersion: document.version,
      data: { documentId: document.id },
    });
  }

  async send(document: CashDocument, courierName: string | null): Promise<void> {
    await this.publisher.publish({
      destination: ONEC_DESTINATION,
      type: CASH_DOCUMENT_SUBMITTED,
      subject: `cash_document:${document.id}`,
      entityVersion: document.version,
      data: { document: toOnecCashDocument(document, courierName, this.config.onec.timeZone) },
    });
  }

  async refundSettled(settlement: CashRefundSettledData): Promise<void> {
    await this.publisher.publish({
      destination: REFUND_SETTLEMENTS_DESTINATION,
      type: CASH_REFUND_SETTLED,
      subject: `return:${settlement.returnId}`,
      data: settlement,
    });
  }
}
