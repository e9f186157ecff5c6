import { ExactDecimal, MONEY_SCALE } from '@app/core';
import type { SaleDocument } from '@app/onec';
import { toLocalDateTime } from '@app/onec';
import type { Return } from '../domain/return';

/** 1C's `ХозОперация` of a return («Возврат товаров от клиента» in УТ): routes 1C's answers back to this lib. */
export const RETURN_OPERATION = 'Возврат товара';

const percentOf = (rate: string | null) => (rate === null ? null : (/^(\d+)(?:\/\d+)?$/.exec(rate)?.[1] ?? null));

/**
 * A return as the CommerceML `Документ` 1C reads on `sale/query`: our id as `Ид`, our number, the day the warehouse
 * received it in 1C's time zone, the buyer of the original sale, each line with the quantity taken back and its
 * refund at the sale's price; the requisites name the original sale, the courier, the warehouse, each line's reason
 * and the quantity the warehouse counted. Each line's VAT is the share its refund includes,
 * Окр(refund × rate / (100 + rate), 2), as the sale computed it.
 */
export function toReturnDocument(entry: Return, timeZone: string): SaleDocument {
  const local = toLocalDateTime(entry.receipt?.occurredAt ?? entry.updatedAt, timeZone);
  const { sale } = entry;
  return {
    id: entry.id,
    number: entry.number,
    date: local.date,
    time: local.time,
    operation: RETURN_OPERATION,
    role: 'Продавец',
    currency: 'руб',
    rate: '1',
    amount: entry.refundTotal,
    ...(entry.comment === null ? {} : { comment: entry.comment }),
    counterparties: [
      {
        id: sale.counterpartyId ?? sale.courierId,
        name: sale.counterpartyName ?? sale.counterpartyId ?? 'Покупатель',
        role: 'Покупатель',
      },
    ],
    items: entry.items.map((line) => {
      const rate = percentOf(line.vatRate);
      return {
        id: line.characteristicId === null ? line.productId : `${line.productId}#${line.characteristicId}`,
        name: line.name,
        unit: { code: line.unitCode ?? '796', name: line.unitCode ?? '796' },
        pricePerUnit: line.price,
        quantity: line.quantity,
        amount: line.refund,
        ...(rate === null
          ? {}
          : {
              vat: {
                rate,
                amount: ExactDecimal.parse(line.refund, MONEY_SCALE)
                  .share(BigInt(rate), 100n + BigInt(rate), MONEY_SCALE)
                  .toString(),
                includedInSum: true,
              },
            }),
        requisites: [
          { name: 'ТипНоменклатуры', value: 'Товар' },
          { name: 'Причина возврата', value: line.reason },
          { name: 'Получено на склад', value: line.receivedQuantity ?? '0' },
        ],
      };
    }),
    requisites: [
      { name: 'Основание', value: `${sale.kind}:${sale.id}` },
      { name: 'Курьер', value: entry.courierId },
      { name: 'Склад', value: sale.warehouseId },
      ...(entry.pickup?.cashRefund ? [{ name: 'Возвращено наличными', value: entry.pickup.cashRefund }] : []),
    ],
  };
}
