import { randomUUID } from 'node:crypto';
import { type AuditActor, auditActorOf, AuditTrail, type Collision, CollisionStore } from '@app/audit';
import { AppConfig, AppError, courierScope, type FieldError, type Principal, UnitOfWork } from '@app/core';
import { Injectable, Logger } from '@nestjs/common';
import type { InstantOrder, InstantOrderContent, OnecPosting } from '../domain/instant-order';
import { InstantOrderErrors } from '../domain/instant-order.errors';
import { decideTransition, type InstantOrderActor, type InstantOrderStatus } from '../domain/instant-order-status';
import { offerIdOf, priceOrder, violation } from '../domain/order-pricing';
import { OrderBoard } from './ports/order-board.port';
import { OrderPublication } from './ports/order-publication.port';
import { type ExportedRef, type InstantOrderListQuery, InstantOrderStore } from './ports/instant-order-store.port';
import { type OfferTerms, type OrderReference, SaleReferences } from './ports/sale-references.port';
import { StockReservations } from './ports/stock-reservations.port';

/** An order as a courier (or an admin on its behalf) sends it; an admin names the courier, a courier need not. */
export type OrderRequest = Omit<InstantOrderContent, 'courierId'> & { readonly courierId: string | null };

/** 1C's answer about an order: posted with its document, or rejected with a reason. Final. */
export type PostingReport = Omit<OnecPosting, 'receivedAt'>;

type Who = AuditActor<InstantOrderActor>;

/** An order that passed every rule but stock, and the mirror's terms it was checked against. */
interface CheckedOrder {
  readonly content: Pick<InstantOrder, keyof InstantOrderContent | 'vatTotal' | 'warehouseId'>;
  readonly terms: ReadonlyMap<string, OfferTerms>;
}

const ONEC_EXCHANGE: Who = { actor: '1c', subject: 'onec-exchange', source: '1c' };

/** What the audit trail keeps of an order's state. */
/** The cash a courier holds for a sale paid in cash once it is accepted; nothing for a draft or a cancelled one. */
function cashHeldFor(order: InstantOrder): string {
  return order.payment === 'cash' && order.status !== 'draft' && order.status !== 'cancelled' ? order.total : '0.00';
}

function auditState(order: InstantOrder): Record<string, unknown> {
  return {
    status: order.status,
    version: order.version,
    total: order.total,
    items: order.items.map((line) => ({ offerId: offerIdOf(line), quantity: line.quantity, amount: line.amount })),
    ...(order.onec ? { onec: order.onec } : {}),
    ...(order.cancelReason ? { cancelReason: order.cancelReason } : {}),
  };
}

/**
 * The instant orders' use cases. An order is checked against the mirror before its transaction, and its stock is
 * reserved inside it (serialised per warehouse and offer); every change is audited in the same transaction, and
 * an order's row is locked for a change, so concurrent requests about it queue up.
 */
@Injectable()
export class InstantOrdersService {
  private readonly logger = new Logger(InstantOrdersService.name);

  constructor(
    private readonly store: InstantOrderStore,
    private readonly references: SaleReferences,
    private readonly reservations: StockReservations,
    private readonly publication: OrderPublication,
    private readonly board: OrderBoard,
    private readonly audit: AuditTrail,
    private readonly collisions: CollisionStore,
    private readonly unitOfWork: UnitOfWork,
    private readonly config: AppConfig,
  ) {}

  /** Accepts a sale: checked, its stock reserved, then waiting for 1C (or pushed to it). */
  create(request: OrderRequest, principal: Principal): Promise<InstantOrder> {
    return this.accept(request, principal, { id: randomUUID(), bitrixId: null });
  }

  /**
   * A sale the courier made as an item in Bitrix24, under the id the item gives (the same every time the item's
   * events arrive, so a webhook delivered three times is one order). Accepted, the item becomes ours and shows the
   * order; breaking a rule, the item moves to the rejected stage with the reasons and nothing reaches 1C. `request`
   * is what the item says, or the rules it already broke in being read.
   */
  async acceptFromPortal(
    id: string,
    bitrixId: string,
    request: OrderRequest | { readonly unreadable: readonly FieldError[] },
    courier: Principal,
  ): Promise<InstantOrder | undefined> {
    const existing = await this.find(id);
    if (existing) {
      return existing;
    }
    try {
      if ('unreadable' in request) {
        throw InstantOrderErrors.invalid(request.unreadable);
      }
      return await this.accept(request, courier, { id, bitrixId });
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'INSTANT_ORDER_INVALID') {
        throw error;
      }
      await this.unitOfWork.run(() => this.board.refuse(id, bitrixId, error.errors ?? []));
      return undefined;
    }
  }

  /**
   * A courier's move of its order's item in the portal: to the cancelled stage cancels it (while 1C has not taken
   * it); any other move is refused, and the item shows the order's status again.
   */
  portalMove(id: string, status: string | undefined, courier: Principal): Promise<InstantOrder> {
    return this.unitOfWork.run(async () => {
      const current = await this.load(id, courier, { lock: true });
      if (status === 'cancelled' && (current.status === 'accepted' || current.status === 'draft')) {
        return this.cancel(id, 'cancelled in Bitrix24', courier);
      }
      if (status !== current.status) {
        await this.board.show(current);
      }
      return current;
    });
  }

  private accept(
    request: OrderRequest,
    principal: Principal,
    origin: { readonly id: string; readonly bitrixId: string | null },
  ): Promise<InstantOrder> {
    return this.unitOfWork.run(async () => {
      const content = this.attribute(request, principal);
      const checked = await this.check(content);
      const now = new Date();
      const { id } = origin;
      await this.reserve(id, checked);
      const order = await this.store.insert({
        ...checked.content,
        id,
        status: 'accepted',
        source: origin.bitrixId === null ? 'rest' : 'bitrix24',
        bitrixId: origin.bitrixId,
        onec: null,
        cancelReason: null,
        version: 1,
        exportedVersion: null,
        createdAt: now,
        updatedAt: now,
      });
      if (order.bitrixId !== null) {
        await this.board.show(order, { adopt: true });
      }
      await this.record(order, 'created', auditActorOf(principal), null);
      return this.pushIfConfigured(order);
    });
  }

  /**
   * The courier changes its sale before 1C took it (the customer takes one more): checked again as a whole, its
   * reservation replaced. 1C gets the new version: a `sale/query` served before the change is not confirmed for it.
   */
  amend(id: string, request: OrderRequest, principal: Principal): Promise<InstantOrder> {
    return this.unitOfWork.run(async () => {
      const current = await this.load(id, principal, { lock: true });
      if (current.status !== 'accepted') {
        throw InstantOrderErrors.illegalTransition(current.status, 'only an order 1C has not taken can change');
      }
      const content = this.attribute(request, principal);
      if (content.courierId !== current.courierId) {
        throw InstantOrderErrors.invalid([
          violation('courierId', 'NOT_THE_COURIER', `the order is courier ${current.courierId}'s sale`),
        ]);
      }
      const checked = await this.check(content);
      await this.reservations.release(current.id);
      await this.reserve(current.id, checked);
      const next: InstantOrder = {
        ...current,
        ...checked.content,
        version: current.version + 1,
        updatedAt: new Date(),
      };
      await this.store.update(next);
      await this.record(next, 'updated', auditActorOf(principal), current);
      return this.pushIfConfigured(next);
    });
  }

  cancel(id: string, reason: string | null, principal: Principal): Promise<InstantOrder> {
    return this.unitOfWork.run(async () => {
      const current = await this.load(id, principal, { lock: true });
      const who = auditActorOf(principal);
      if (!this.decide(current, 'cancelled', who.actor)) {
        return current;
      }
      await this.reservations.release(current.id);
      const next: InstantOrder = {
        ...current,
        status: 'cancelled',
        cancelReason: reason,
        version: current.version + 1,
        updatedAt: new Date(),
      };
      await this.store.update(next);
      await this.record(next, 'cancelled', who, current);
      return next;
    });
  }

  /** 1C's posting result through REST; a repeat of the same answer returns the order as it is. */
  acknowledge(id: string, report: PostingReport, principal: Principal): Promise<InstantOrder> {
    return this.unitOfWork.run(async () => {
      const current = await this.load(id, principal, { lock: true });
      return this.applyPosting(current, report, auditActorOf(principal));
    });
  }

  /**
   * 1C's documents of `sale/file`, in the exchange's transaction: each applies its posting result to the order it
   * names. A document about an order we do not hold is skipped (logged): 1C may send documents made without us.
   */
  async applyOnecDocuments(reports: readonly (PostingReport & { readonly orderId: string })[]): Promise<void> {
    for (const { orderId, ...report } of reports) {
      const current = await this.store.byId(orderId, { lock: true });
      if (!current) {
        this.logger.warn({ orderId }, '1C sent a document about an order the middleware does not hold; skipped');
        continue;
      }
      const answered = current.status === 'posted' || current.status === 'rejected_by_1c';
      if (answered && current.onec?.outcome !== report.outcome) {
        // 1C changed its final answer in a later exchange: refusing it would hold back the whole file, so the
        // back office decides.
        await this.disputeWithOnec(current, report);
        continue;
      }
      await this.applyPosting(current, report, ONEC_EXCHANGE);
    }
  }

  private async applyPosting(current: InstantOrder, report: PostingReport, who: Who): Promise<InstantOrder> {
    const status: InstantOrderStatus = report.outcome === 'posted' ? 'posted' : 'rejected_by_1c';
    if (current.status === 'cancelled') {
      // 1C took an order it never confirmed, after the courier cancelled it: both sides must agree by hand.
      await this.disputeWithOnec(current, report);
      return current;
    }
    if (!this.decide(current, status, who.actor)) {
      return current;
    }
    if (status === 'posted') {
      await this.reservations.settle(current.id);
    } else {
      await this.reservations.release(current.id);
    }
    const next: InstantOrder = {
      ...current,
      status,
      onec: { ...report, receivedAt: new Date() },
      version: current.version + 1,
      updatedAt: new Date(),
    };
    await this.store.update(next);
    await this.record(next, status, who, current);
    return next;
  }

  /** 1C's answer contradicts the order's final state: kept as a collision for the back office, not applied. */
  private async disputeWithOnec(current: InstantOrder, report: PostingReport): Promise<void> {
    await this.collisions.record({
      domain: 'instant-orders',
      entityType: 'instant_order',
      entityId: current.id,
      field: 'status',
      proposed: report,
      proposedBy: '1c',
      held: { status: current.status, onec: current.onec, cancelReason: current.cancelReason },
    });
  }

  /**
   * An operator settles a dispute with 1C: `accept_1c` takes 1C's answer as the order's final state (an audited
   * correction; a posted order's stock is settled), `accept_middleware` keeps the order as it is (1C is to correct its
   * side). There is nothing to edit in a posting.
   */
  async applyResolution(collision: Collision, resolution: NonNullable<Collision['resolution']>): Promise<void> {
    if (resolution.decision === 'edit') {
      throw InstantOrderErrors.resolutionRefused("1C's posting is taken or left, not edited");
    }
    if (resolution.decision === 'accept_middleware') {
      return;
    }
    const current = await this.store.byId(collision.entityId, { lock: true });
    if (!current) {
      throw InstantOrderErrors.notFound(collision.entityId);
    }
    const report = collision.proposed as PostingReport;
    if (report.outcome === 'posted') {
      await this.reservations.settle(current.id);
    } else {
      await this.reservations.release(current.id);
    }
    const next: InstantOrder = {
      ...current,
      status: report.outcome === 'posted' ? 'posted' : 'rejected_by_1c',
      onec: { ...report, receivedAt: new Date() },
      version: current.version + 1,
      updatedAt: new Date(),
    };
    await this.store.update(next);
    await this.record(next, 'corrected', { actor: 'admin', subject: resolution.resolvedBy, source: 'admin' }, current, {
      collisionId: collision.id,
      comment: resolution.comment,
    });
  }

  waitingForOnec(limit: number): Promise<InstantOrder[]> {
    return this.unitOfWork.run(() => this.store.waitingForOnec(limit));
  }

  /**
   * 1C confirmed `sale/success` for these versions, in the exchange's transaction: each order still at that version
   * is sent; one changed since stays waiting and goes out again with its new version.
   */
  async markExported(refs: readonly ExportedRef[]): Promise<void> {
    for (const ref of refs) {
      const current = await this.store.byId(ref.id, { lock: true });
      if (current?.version !== ref.version || current.status !== 'accepted') {
        continue;
      }
      await this.send(current, ONEC_EXCHANGE);
    }
  }

  /** The order of this id, whoever's it is (the Bitrix24 door asks before it knows the courier). */
  find(id: string): Promise<InstantOrder | undefined> {
    return this.unitOfWork.run(() => this.store.byId(id));
  }

  get(id: string, principal: Principal): Promise<InstantOrder> {
    return this.unitOfWork.run(() => this.load(id, principal));
  }

  history(id: string, principal: Principal) {
    return this.unitOfWork.run(async () => {
      await this.load(id, principal);
      return this.audit.history('instant-orders', 'instant_order', id);
    });
  }

  /** A courier lists its own orders only, whatever courier filter it sends. */
  list(query: InstantOrderListQuery, principal: Principal): Promise<InstantOrder[]> {
    const courierId = courierScope(principal, query.courierId);
    return courierId === null
      ? Promise.resolve([])
      : this.unitOfWork.run(() => this.store.list({ ...query, courierId }));
  }

  /** A courier sells for itself (another courier's id is refused); an admin names the courier. */
  private attribute(request: OrderRequest, principal: Principal): InstantOrderContent {
    if (auditActorOf(principal).actor === 'courier') {
      if (request.courierId !== null && request.courierId !== principal.courierId) {
        throw InstantOrderErrors.invalid([violation('courierId', 'NOT_THE_COURIER', 'a courier sells for itself')]);
      }
      return { ...request, courierId: principal.courierId ?? '' };
    }
    if (request.courierId === null) {
      throw InstantOrderErrors.courierRequired();
    }
    return { ...request, courierId: request.courierId };
  }

  /** Every rule but stock (checked under the reservation's lock): 422 naming each broken one. */
  private async check(content: InstantOrderContent): Promise<CheckedOrder> {
    const errors: FieldError[] = [];
    const settings = this.config.instantOrders;
    const courier = await this.references.courierWarehouse(content.courierId);
    if (!courier) {
      errors.push(
        violation('courierId', 'UNKNOWN_REFERENCE', `the mirror holds no courier ${content.courierId} in use`),
      );
    } else if (courier.warehouseId === null) {
      errors.push(violation('courierId', 'UNKNOWN_REFERENCE', 'the courier has no warehouse of its own to sell from'));
    }
    if (settings.priceTypeIds.length > 0 && !settings.priceTypeIds.includes(content.priceTypeId)) {
      errors.push(
        violation('priceTypeId', 'UNKNOWN_REFERENCE', `couriers sell at ${settings.priceTypeIds.join(', ')} only`),
      );
    }
    let buyer = content.buyer;
    if (buyer.kind === 'known') {
      const name = await this.references.counterpartyName(buyer.counterpartyId);
      if (name === undefined) {
        errors.push(
          violation('buyer.counterpartyId', 'UNKNOWN_REFERENCE', `the mirror holds no ${buyer.counterpartyId} in use`),
        );
      }
      buyer = { ...buyer, name };
    }
    const references: OrderReference[] = [{ kind: 'price-types', onecId: content.priceTypeId, path: 'priceTypeId' }];
    for (const reference of await this.references.unusable(references)) {
      errors.push(violation(reference.path, 'UNKNOWN_REFERENCE', `the mirror holds no ${reference.onecId} in use`));
    }
    if (
      content.deliveryId !== null &&
      !(await this.references.isCouriersDelivery(content.deliveryId, content.courierId))
    ) {
      errors.push(violation('deliveryId', 'UNKNOWN_REFERENCE', `the courier has no delivery ${content.deliveryId}`));
    }
    const warehouseId = courier?.warehouseId ?? '';
    const terms = await this.references.offerTerms(content.items.map(offerIdOf), content.priceTypeId, warehouseId);
    const priced = priceOrder(content.items, content.total, terms, {
      discountLimitPercent: settings.discountLimitPercent,
      discountReason: content.discountReason,
    });
    errors.push(...priced.errors);
    if (errors.length > 0) {
      throw InstantOrderErrors.invalid(errors);
    }
    return {
      content: { ...content, buyer, items: priced.lines, total: priced.total, vatTotal: priced.vatTotal, warehouseId },
      terms,
    };
  }

  private async reserve(orderId: string, { content, terms }: CheckedOrder) {
    const claims = content.items.map((line, index) => {
      const offer = terms.get(offerIdOf(line))!;
      return {
        path: `items.${index}.quantity`,
        offerId: offerIdOf(line),
        quantity: line.quantity,
        stock: offer.stock,
        stockChangedAt: offer.stockChangedAt,
      };
    });
    const short = await this.reservations.reserve(orderId, content.warehouseId, claims);
    if (short.length > 0) {
      throw InstantOrderErrors.invalid(
        short.map((claim) =>
          violation(
            claim.path,
            'STOCK_SHORT',
            `the courier's warehouse ${content.warehouseId} cannot cover ${claim.quantity} of ${claim.offerId}`,
          ),
        ),
      );
    }
  }

  private async pushIfConfigured(order: InstantOrder): Promise<InstantOrder> {
    return this.publication.pushes ? this.send(order, { actor: 'system', subject: 'system', source: 'system' }) : order;
  }

  private async send(current: InstantOrder, who: Who): Promise<InstantOrder> {
    this.decide(current, 'sent_to_1c', who.actor);
    const next: InstantOrder = {
      ...current,
      status: 'sent_to_1c',
      exportedVersion: current.version,
      version: current.version + 1,
      updatedAt: new Date(),
    };
    if (this.publication.pushes) {
      await this.publication.push(next);
    }
    await this.store.update(next);
    await this.record(next, 'sent_to_1c', who, current);
    return next;
  }

  /** Whether the move applies; false for a repeat (already there); an error for an illegal or forbidden one. */
  private decide(current: InstantOrder, to: InstantOrderStatus, actor: InstantOrderActor): boolean {
    const decision = decideTransition(current.status, to, actor);
    switch (decision.kind) {
      case 'apply':
        return true;
      case 'unchanged':
        return false;
      case 'illegal':
        throw InstantOrderErrors.illegalTransition(current.status, decision.reason);
      case 'forbidden':
        throw InstantOrderErrors.forbiddenTransition(decision.reason);
    }
  }

  private async load(id: string, principal: Principal, options: { lock?: boolean } = {}): Promise<InstantOrder> {
    const order = await this.store.byId(id, options);
    if (!order || (auditActorOf(principal).actor === 'courier' && order.courierId !== principal.courierId)) {
      throw InstantOrderErrors.notFound(id);
    }
    return order;
  }

  private async record(
    order: InstantOrder,
    action: string,
    who: Who,
    before: InstantOrder | null,
    details: Record<string, unknown> = {},
  ): Promise<void> {
    // The item of an order made in Bitrix24 follows every change after its creation (which adopts it).
    if (before !== null && order.bitrixId !== null) {
      await this.board.show(order);
    }
    const cash = cashHeldFor(order);
    if (cash !== (before === null ? '0.00' : cashHeldFor(before))) {
      await this.publication.cashHeld(order, cash);
    }
    await this.audit.record({
      domain: 'instant-orders',
      entityType: 'instant_order',
      entityId: order.id,
      action,
      source: who.source,
      actor: who.subject,
      actorRole: who.actor,
      before: before ? auditState(before) : null,
      after: auditState(order),
      details,
    });
  }
}
