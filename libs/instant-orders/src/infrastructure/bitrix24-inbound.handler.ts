import {
  Bitrix24InboundHandler,
  inboundText,
  type InboundChange,
  type InboundProductRow,
  portalEntityId,
} from '@app/bitrix24';
import { AppConfig, ExactDecimal, type FieldError, MONEY_SCALE, type Principal, QUANTITY_SCALE } from '@app/core';
import { MasterDataReferences } from '@app/master-data';
import { Injectable, Logger } from '@nestjs/common';
import { InstantOrdersService, type OrderRequest } from '../application/instant-orders.service';
import {
  DISCOUNT_REASONS,
  type DiscountReason,
  type OrderLineInput,
  PAYMENT_METHODS,
  type PaymentMethod,
} from '../domain/instant-order';
import { INSTANT_ORDER_KIND } from '../domain/instant-order-board';

const isZeroAmount = (text: string) =>
  ExactDecimal.fits(text, MONEY_SCALE) && ExactDecimal.parse(text, MONEY_SCALE).isZero();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A line of the portal's product rows as a line of the sale. The portal's `price` is after the discount and
 * `discountSum` the discount per unit, so the list price is their sum; the line's discount is Окр(discountSum ×
 * quantity, 2), and its amount Окр(quantity × list price, 2) less that, as the REST door has it.
 */
function lineOf(row: InboundProductRow, index: number, errors: FieldError[]): OrderLineInput | undefined {
  const at = `items.${index}`;
  if (row.productExternalId === null) {
    errors.push({
      path: `${at}.productId`,
      message: `UNKNOWN_PRODUCT: "${row.productName}" is not a product of 1C's catalog in the portal`,
    });
    return undefined;
  }
  if (![row.price, row.discountSum].every((value) => ExactDecimal.fits(value, MONEY_SCALE))) {
    errors.push({ path: `${at}.price`, message: `INVALID_DECIMAL: ${row.price} is not an amount in kopecks` });
    return undefined;
  }
  if (!ExactDecimal.fits(row.quantity, QUANTITY_SCALE)) {
    errors.push({ path: `${at}.quantity`, message: `INVALID_DECIMAL: ${row.quantity} has more than 3 places` });
    return undefined;
  }
  const quantity = ExactDecimal.parse(row.quantity, QUANTITY_SCALE);
  const perUnitDiscount = ExactDecimal.parse(row.discountSum, MONEY_SCALE);
  const price = ExactDecimal.parse(row.price, MONEY_SCALE).plus(perUnitDiscount);
  const discount = quantity.times(perUnitDiscount, MONEY_SCALE);
  const hash = row.productExternalId.indexOf('#');
  return {
    productId: hash < 0 ? row.productExternalId : row.productExternalId.slice(0, hash),
    characteristicId: hash < 0 ? null : row.productExternalId.slice(hash + 1),
    quantity: quantity.toString(),
    price: price.toString(),
    discount: discount.isZero() ? null : discount.toString(),
    amount: quantity.times(price, MONEY_SCALE).minus(discount).toString(),
  };
}

/**
 * The courier's door in Bitrix24: an item it creates in the instant orders' smart process becomes an order (or is
 * moved to the rejected stage with the reasons), and its later stage moves are the courier's (a move to cancelled
 * cancels; any other is set back). The connector calls it only for states newer than ours and never for our own
 * writes coming back.
 */
@Injectable()
export class InstantOrdersInboundHandler extends Bitrix24InboundHandler {
  readonly kinds = [INSTANT_ORDER_KIND];
  private readonly logger = new Logger(InstantOrdersInboundHandler.name);

  constructor(
    private readonly orders: InstantOrdersService,
    private readonly masterData: MasterDataReferences,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async apply(change: InboundChange): Promise<void> {
    const id = change.externalId ?? portalEntityId(INSTANT_ORDER_KIND, change.bitrixId);
    const portalUser = inboundText(change.fields.responsible);
    const courierId = portalUser === undefined ? undefined : await this.masterData.courierOfPortalUser(portalUser);
    const courier: Principal = {
      subject: `bitrix24:user:${portalUser ?? 'unknown'}`,
      roles: ['courier'],
      courierId: courierId ?? '',
    };
    const known = await this.orders.find(id);
    if (known) {
      await this.orders.portalMove(id, change.deleted ? 'cancelled' : change.status, {
        ...courier,
        courierId: known.courierId,
      });
      return;
    }
    if (change.deleted) {
      this.logger.warn({ bitrixId: change.bitrixId }, 'An instant order item deleted before it became an order');
      return;
    }
    const errors: FieldError[] = [];
    if (courierId === undefined) {
      errors.push({
        path: 'courierId',
        message: `UNKNOWN_REFERENCE: portal user ${portalUser ?? '(none)'} is no courier`,
      });
    }
    // The buyer the courier picked in the portal (a company or a contact master data copied there), else a 1C id.
    const portalBuyer = inboundText(change.fields.company) ?? inboundText(change.fields.contact);
    const buyer = portalBuyer === undefined ? undefined : await this.masterData.counterpartyOfPortal(portalBuyer);
    if (portalBuyer !== undefined && buyer === undefined) {
      errors.push({
        path: 'buyer',
        message: `UNKNOWN_REFERENCE: portal entity ${portalBuyer} copies no counterparty of 1C`,
      });
    }
    const request = this.requestOf(change, errors, buyer);
    await this.orders.acceptFromPortal(
      id,
      change.bitrixId,
      errors.length > 0 ? { unreadable: errors } : request,
      courier,
    );
  }

  private requestOf(change: InboundChange, errors: FieldError[], portalBuyer: string | undefined): OrderRequest {
    const field = (name: string) => inboundText(change.fields[name]);
    const counterparty = portalBuyer ?? field('counterparty');
    const [name, phone] = [field('buyerName'), field('buyerPhone')];
    if (counterparty === undefined && (name === undefined || phone === undefined)) {
      errors.push({ path: 'buyer', message: 'REQUIRED: a counterparty, or a new buyer’s name and phone' });
    }
    const priceTypeId = field('priceType') ?? this.config.instantOrders.priceTypeIds[0];
    if (priceTypeId === undefined) {
      errors.push({ path: 'priceTypeId', message: 'REQUIRED: the item names no price type and none is configured' });
    }
    const payment = field('payment') ?? 'cash';
    if (!(PAYMENT_METHODS as readonly string[]).includes(payment)) {
      errors.push({
        path: 'payment',
        message: `UNKNOWN_REFERENCE: ${payment} is not one of ${PAYMENT_METHODS.join(', ')}`,
      });
    }
    const rows = change.productRows ?? [];
    if (rows.length === 0) {
      errors.push({ path: 'items', message: 'REQUIRED: the item has no product rows' });
    }
    const items = rows.flatMap((row, index) => lineOf(row, index, errors) ?? []);
    const sum = ExactDecimal.sum(
      items.map((item) => ExactDecimal.parse(item.amount, MONEY_SCALE)),
      MONEY_SCALE,
    );
    const amount = field('amount');
    const reason = field('discountReason');
    const deliveryId = field('deliveryId');
    return {
      courierId: null,
      buyer:
        counterparty !== undefined
          ? { kind: 'known', counterpartyId: counterparty }
          : { kind: 'new', draftId: portalEntityId('buyer', change.bitrixId), name: name ?? '', phone: phone ?? '' },
      deliveryId: deliveryId !== undefined && UUID.test(deliveryId) ? deliveryId : null,
      priceTypeId: priceTypeId ?? '',
      payment: payment as PaymentMethod,
      items,
      // The item's amount (the portal sums the rows, or the courier set it), checked against the lines; an item
      // without one (0, the portal's default) is taken at the lines' sum.
      total: amount === undefined || isZeroAmount(amount) ? sum.toString() : amount,
      discountReason: (DISCOUNT_REASONS as readonly string[]).includes(reason ?? '')
        ? (reason as DiscountReason)
        : null,
      soldAt: change.remoteUpdatedAt ?? new Date(),
      geo: null,
      comment: field('comment') ?? null,
    };
  }
}
