import { IntegrationError } from '@app/core';
import { CloudEvent, EventConsumer, EventHandler } from '@app/events';
import { Injectable } from '@nestjs/common';
import { BITRIX24_DESTINATION, BITRIX24_UPSERT_REQUESTED } from '../bitrix24.constants';
import type { UpsertProductRow, UpsertRequest } from '../ports/upsert.port';
import { UpsertBatcher } from './upsert-batcher';

/**
 * Jobs held open while the batcher fills a batch: with 2 batches/s of 50 on a standard portal, about 100 jobs per
 * replica are needed in flight to keep batches full. Each job only waits on a promise, so this costs little.
 */
const CONCURRENCY = 200;

/** Thin: validates the requested upsert and hands it to the batcher; its error steers the backbone's retries. */
@Injectable()
@EventConsumer({ destination: BITRIX24_DESTINATION, transactional: false, concurrency: CONCURRENCY })
export class Bitrix24UpsertConsumer implements EventHandler<unknown> {
  constructor(private readonly batcher: UpsertBatcher) {}

  async handle(event: CloudEvent<unknown>): Promise<void> {
    if (event.type !== BITRIX24_UPSERT_REQUESTED) {
      throw invalid(`unknown event type ${event.type}`);
    }
    await this.batcher.submit(parseRequest(event.data));
  }
}

/** The shape only: whether the kind is registered and written is the batcher's to say. */
function parseRequest(data: unknown): UpsertRequest {
  if (!data || typeof data !== 'object') {
    throw invalid('data must be an object');
  }
  const { kind, externalId, fields, status, productRows, adoptBitrixId } = data as Record<string, unknown>;
  if (typeof kind !== 'string' || kind.length === 0) {
    throw invalid('kind must be a registered entity kind');
  }
  if (typeof externalId !== 'string' || externalId.length === 0 || externalId.length > 255) {
    throw invalid('externalId must be a string of 1-255 characters');
  }
  if (!fields || typeof fields !== 'object' || Array.isArray(fields)) {
    throw invalid('fields must be an object');
  }
  if (status !== undefined && typeof status !== 'string') {
    throw invalid('status must be a string');
  }
  if (adoptBitrixId !== undefined && (typeof adoptBitrixId !== 'string' || !/^[1-9]\d{0,19}$/.test(adoptBitrixId))) {
    throw invalid('adoptBitrixId must be a Bitrix24 id (digits)');
  }
  return {
    kind,
    externalId,
    fields: fields as Record<string, unknown>,
    ...(status === undefined ? {} : { status }),
    ...(productRows === undefined ? {} : { productRows: parseRows(productRows) }),
    ...(adoptBitrixId === undefined ? {} : { adoptBitrixId }),
  };
}

const DECIMAL = /^-?\d{1,20}(\.\d{1,10})?$/;

function parseRows(rows: unknown): UpsertProductRow[] {
  if (!Array.isArray(rows)) {
    throw invalid('productRows must be a list');
  }
  return rows.map((row: unknown, index) => {
    const { productName, price, quantity, taxRate, taxIncluded, measureCode } = (row ?? {}) as Record<string, unknown>;
    const decimal = (value: unknown) => typeof value === 'string' && DECIMAL.test(value);
    if (
      typeof productName !== 'string' ||
      !decimal(price) ||
      !decimal(quantity) ||
      (taxRate !== null && !decimal(taxRate)) ||
      typeof taxIncluded !== 'boolean' ||
      (measureCode !== undefined && typeof measureCode !== 'string')
    ) {
      throw invalid(`productRows.${index} must have productName, decimal price and quantity, taxRate, taxIncluded`);
    }
    return {
      productName,
      price: price as string,
      quantity: quantity as string,
      taxRate: taxRate as string | null,
      taxIncluded,
      ...(measureCode === undefined ? {} : { measureCode }),
    };
  });
}

function invalid(message: string): IntegrationError {
  return new IntegrationError('permanent', 'BITRIX24_INVALID_REQUEST', `Bitrix24 upsert request: ${message}`, {
    system: 'bitrix24',
  });
}
