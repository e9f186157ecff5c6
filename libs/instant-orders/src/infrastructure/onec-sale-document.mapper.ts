import type { SaleDocument } from '@app/onec';
import { toLocalDateTime } from '@app/onec';
import type { InstantOrder, PaymentMethod } from '../domain/instant-order';
import { offerIdOf, vatPercent } from '../domain/order-pricing';

/** 1C's `ХозОперация` of an order: the connector routes 1C's answers about it back to this lib by it. */
export const INSTANT_ORDER_OPERATION = 'Заказ товара';

/** `Метод оплаты` as the 1C-Bitrix module names the methods, which УТ's exchange maps to its payment forms. */
const PAYMENT_METHOD: Record<PaymentMethod, string> = {
  cash: 'Наличный расчет',
  card: 'Банковская карта',
  transfer: 'Безналичный расчет',
};

/** Short names of the OKEI units couriers sell in; 1C matches a unit by its code, the name is for people. */
const UNIT_NAMES: Record<string, string> = { '796': 'шт', '166': 'кг', '163': 'г', '112': 'л', '778': 'упак' };

/**
 * An order as the CommerceML `Документ` 1C reads on `sale/query`: our id as `Ид` (1C answers with it), our number,
 * the sale's local date and time in 1C's time zone, the buyer (a new person as an individual with our draft id), each
 * line at its list price with its amount after discount and its included VAT, and the requisites УТ's exchange reads
 * (payment method, courier, warehouse, price type).
 */
export function toSaleDocument(order: InstantOrder, timeZone: string): SaleDocument {
  const local = toLocalDateTime(order.soldAt, timeZone);
  const buyer =
    order.buyer.kind === 'known'
      ? { id: order.buyer.counterpartyId, name: order.buyer.name ?? order.buyer.counterpartyId }
      : {
          id: order.buyer.draftId,
          name: order.buyer.name,
          contacts: [{ type: 'ТелефонРабочий', value: order.buyer.phone }],
        };
  return {
    id: order.id,
    number: order.number,
    date: local.date,
    time: local.time,
    operation: INSTANT_ORDER_OPERATION,
    role: 'Продавец',
    currency: 'руб',
    rate: '1',
    amount: order.total,
    ...(order.comment === null ? {} : { comment: order.comment }),
    counterparties: [{ ...buyer, role: 'Покупатель' }],
    taxes: order.items.some((line) => vatPercent(line.vatRate) !== null)
      ? [{ name: 'НДС', includedInSum: true, amount: order.vatTotal }]
      : [],
    items: order.items.map((line) => {
      const rate = vatPercent(line.vatRate);
      return {
        id: offerIdOf(line),
        name: line.name,
        unit: { code: line.unitCode ?? '796', name: UNIT_NAMES[line.unitCode ?? '796'] ?? line.unitCode ?? 'шт' },
        pricePerUnit: line.price,
        quantity: line.quantity,
        amount: line.amount,
        vat: { rate: rate === null ? 'Без налога' : String(rate), amount: line.vatAmount, includedInSum: true },
        requisites: [
          { name: 'ТипНоменклатуры', value: 'Товар' },
          ...(line.discount === null ? [] : [{ name: 'Скидка', value: line.discount }]),
        ],
      };
    }),
    requisites: [
      { name: 'Метод оплаты', value: PAYMENT_METHOD[order.payment] },
      { name: 'Заказ оплачен', value: 'true' },
      { name: 'Курьер', value: order.courierId },
      { name: 'Склад', value: order.warehouseId },
      { name: 'Тип цен', value: order.priceTypeId },
      ...(order.discountReason === null ? [] : [{ name: 'Причина скидки', value: order.discountReason }]),
    ],
  };
}
