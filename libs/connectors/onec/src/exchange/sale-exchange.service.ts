import { AppConfig, UnitOfWork } from '@app/core';
import { Injectable, Logger } from '@nestjs/common';
import { CommerceMlError, serializeSaleDocuments, toLocalDateTime } from '../commerceml';
import { OnecMetrics } from '../onec.metrics';
import { ExchangePorts } from '../ports/exchange-ports';
import { describeError, ExchangeFailure } from './exchange-failure';
import { ExchangeReply } from './exchange-reply';
import { ExchangeSessionEntity, SaleQueryRecord } from './exchange-session.entity';
import { ExchangeSessionStore } from './exchange-session.store';

/**
 * The order side of the exchange: `sale/query` serialises what waits for 1C (and remembers exactly which order
 * versions it sent), `sale/success` marks those exported. 1C's documents coming back go through the common
 * file/import path and reach the sale-documents port by their content.
 */
@Injectable()
export class SaleExchangeService {
  private readonly logger = new Logger(SaleExchangeService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly store: ExchangeSessionStore,
    private readonly ports: ExchangePorts,
    private readonly unitOfWork: UnitOfWork,
    private readonly metrics: OnecMetrics,
  ) {}

  async query(session: ExchangeSessionEntity): Promise<{ reply: ExchangeReply; orders: number }> {
    let pending;
    try {
      pending = await this.ports.saleOrders.pending(this.config.onec.sale.queryLimit);
    } catch (error) {
      const reason = `The orders waiting for 1C cannot be read: ${describeError(error)}`;
      throw new ExchangeFailure('QUERY_FAILED', reason, false, { cause: error });
    }
    let body: Buffer;
    try {
      body = serializeSaleDocuments(
        pending.map((order) => order.document),
        {
          schemaVersion: this.config.onec.sale.schemaVersion,
          encoding: this.config.onec.exchange.encoding,
          generatedAt: toLocalDateTime(new Date(), this.config.onec.timeZone).dateTime,
        },
      );
    } catch (error) {
      if (error instanceof CommerceMlError) {
        throw new ExchangeFailure('QUERY_FAILED', `An order waiting for 1C is invalid: ${error.message}`, false, {
          cause: error,
        });
      }
      throw error;
    }
    const record: SaleQueryRecord = {
      queriedAt: new Date().toISOString(),
      refs: pending.map((order) => ({ id: order.ref.id, version: order.ref.version })),
    };
    await this.store.update(session.id, { saleQuery: record });
    return { reply: ExchangeReply.xml(body), orders: pending.length };
  }

  /** `sale/success`: 1C took the documents of this session's last `query`. */
  async success(session: ExchangeSessionEntity): Promise<ExchangeReply> {
    const current = await this.store.findById(session.id);
    const refs = current?.saleQuery?.refs ?? [];
    if (refs.length === 0) {
      return ExchangeReply.success();
    }
    await this.unitOfWork.run(async () => {
      await this.ports.saleOrders.markExported(refs, { exchangeSessionId: session.id });
      await this.store.update(session.id, { saleQuery: null });
      await this.store.addCounters(session.id, { ordersExported: refs.length });
    });
    this.metrics.ordersExported.inc(refs.length);
    this.logger.log({ exchangeSessionId: session.id, orders: refs.length }, '1C confirmed the orders of its query');
    return ExchangeReply.success();
  }
}
