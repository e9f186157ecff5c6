import { ExactDecimal, MONEY_SCALE, QUANTITY_SCALE } from '@app/core';
import { type DeliveryLine, type FailureReason } from './delivery-lines';
import type { DeliveryStatus, OutcomeStatus } from './delivery-status';

/** A shipment document of 1C that a courier delivers. */
export interface DeliveryDocument {
  /** `sales`: «Реализация товаров и услуг»; `order`: «Заказ клиента» with the delivery method «До клиента». */
  readonly type: 'sales' | 'order';
  readonly number: string;
  /** `YYYY-MM-DD`. */
  readonly date: string;
  /** The document's `Ссылка` (GUID): one delivery per document. */
  readonly onecId: string;
}

/** One row of the document's goods; decimals as strings (see delivery-lines.ts for the arithmetic). */
export interface DeliveryItem extends DeliveryLine {
  /** Master data's product 1C id, and the characteristic's where the product has variants. */
  readonly productId: string;
  readonly characteristicId: string | null;
  /** A code of master data's VAT rates (`22`, `10`, `0`, `without`, `22/122`, …). */
  readonly vatRate: string;
}

/** What 1C sends to create or change a delivery. */
export interface DeliveryContent {
  readonly document: DeliveryDocument;
  readonly counterpartyId: string;
  readonly address: string;
  readonly latitude: string | null;
  readonly longitude: string | null;
  readonly contactName: string | null;
  readonly contactPhone: string | null;
  readonly windowFrom: Date | null;
  readonly windowTo: Date | null;
  readonly warehouseId: string;
  readonly courierId: string | null;
  readonly comment: string | null;
  readonly items: readonly DeliveryItem[];
  readonly total: string;
  readonly cashOnDelivery: string;
}

/** The courier's report of how the delivery ended, as checked against the shipment. */
export interface DeliveryOutcome {
  readonly status: OutcomeStatus;
  /** When it happened at the door (the courier's clock), as against when we learnt it. */
  readonly occurredAt: string;
  readonly delivered: readonly { readonly lineNo: number; readonly quantity: string; readonly amount: string }[];
  readonly deliveredAmount: string;
  readonly cashCollected: string;
  readonly failureReason: FailureReason | null;
  readonly comment: string | null;
  readonly geo: { readonly latitude: string; readonly longitude: string } | null;
  readonly courierId: string | null;
}

/** 1C's acknowledgement of the outcome: the document it posted for it. */
export interface OnecAcknowledgement {
  readonly documentNumber: string;
  readonly documentDate: string;
  readonly acknowledgedAt: string;
}

export interface Delivery extends DeliveryContent {
  readonly id: string;
  readonly status: DeliveryStatus;
  readonly outcome: DeliveryOutcome | null;
  readonly onecAcknowledgement: OnecAcknowledgement | null;
  /** When the execution confirmation of the current outcome was last sent to 1C, and how many times so far. */
  readonly confirmationSentAt: Date | null;
  readonly confirmationsSent: number;
  /** The courier's run that carries it, if 1C sent one. */
  readonly tripId: string | null;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** A task 1C sends with its courier is assigned from the start; without one it waits as new. */
export function initialStatus(content: Pick<DeliveryContent, 'courierId'>): DeliveryStatus {
  return content.courierId === null ? 'new' : 'assigned';
}

/**
 * Whether 1C's content says something else than the stored delivery's: a repeated POST of the same document with the
 * same content is the same request; with other content it is an update, which has its own door.
 */
export function sameContent(left: DeliveryContent, right: DeliveryContent): boolean {
  return JSON.stringify(comparable(left)) === JSON.stringify(comparable(right));
}

function comparable(content: DeliveryContent): unknown[] {
  return [
    content.document,
    content.counterpartyId,
    content.address,
    content.latitude,
    content.longitude,
    content.contactName,
    content.contactPhone,
    content.windowFrom?.toISOString() ?? null,
    content.windowTo?.toISOString() ?? null,
    content.warehouseId,
    content.courierId,
    content.comment,
    content.items.map((item) => [
      item.lineNo,
      item.productId,
      item.characteristicId,
      item.quantity,
      item.price,
      item.vatRate,
      item.amount,
    ]),
    content.total,
    content.cashOnDelivery,
  ];
}

/** Degrees to six places (about 0.1 m), as the `numeric(9,6)` columns keep them. */
export const COORDINATE_SCALE = 6;

function canonical(text: string, scale: number): string {
  return ExactDecimal.fits(text, scale) ? ExactDecimal.parse(text, scale).toString() : text;
}

/**
 * The content with every decimal in its canonical form (`2` → `2.000`, `49.9` → `49.90`), as it is stored and
 * answered, so that a repeat compares equal whatever formatting 1C used. A value that does not fit its scale is left
 * as sent, for the rules to name it.
 */
export function canonicalContent(content: DeliveryContent): DeliveryContent {
  return {
    ...content,
    latitude: content.latitude === null ? null : canonical(content.latitude, COORDINATE_SCALE),
    longitude: content.longitude === null ? null : canonical(content.longitude, COORDINATE_SCALE),
    items: content.items.map((item) => ({
      ...item,
      quantity: canonical(item.quantity, QUANTITY_SCALE),
      price: canonical(item.price, MONEY_SCALE),
      amount: canonical(item.amount, MONEY_SCALE),
    })),
    total: canonical(content.total, MONEY_SCALE),
    cashOnDelivery: canonical(content.cashOnDelivery, MONEY_SCALE),
  };
}

/** The fields an operator may set when resolving a collision over a delivery's content ("edit"). */
export const EDITABLE_FIELDS = ['address', 'contactName', 'contactPhone', 'windowFrom', 'windowTo', 'comment'] as const;

/** The content as JSON (dates as ISO strings), for collisions and events. */
export function contentSnapshot(content: DeliveryContent): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify({
      document: content.document,
      counterpartyId: content.counterpartyId,
      address: content.address,
      latitude: content.latitude,
      longitude: content.longitude,
      contactName: content.contactName,
      contactPhone: content.contactPhone,
      windowFrom: content.windowFrom,
      windowTo: content.windowTo,
      warehouseId: content.warehouseId,
      courierId: content.courierId,
      comment: content.comment,
      items: content.items,
      total: content.total,
      cashOnDelivery: content.cashOnDelivery,
    }),
  ) as Record<string, unknown>;
}

/** The content back from {@link contentSnapshot}. */
export function contentFromSnapshot(snapshot: Record<string, unknown>): DeliveryContent {
  const date = (value: unknown) => (typeof value === 'string' ? new Date(value) : null);
  const content = snapshot as unknown as DeliveryContent;
  return { ...content, windowFrom: date(snapshot.windowFrom), windowTo: date(snapshot.windowTo) };
}
