import { randomUUID } from 'node:crypto';
import { type AuditActor, auditActorOf, AuditTrail, type Collision, CollisionStore } from '@app/audit';
import {
  AppConfig,
  AppError,
  ExactDecimal,
  type FieldError,
  MONEY_SCALE,
  type Principal,
  QUANTITY_SCALE,
  UnitOfWork,
  courierScope,
} from '@app/core';
import { Injectable, Logger } from '@nestjs/common';
import {
  awaitsRefundSettlement,
  type OriginalSaleRef,
  paysCashBack,
  type Pickup,
  type RefundSettlement,
  type RequestedLine,
  type Return,
} from '../domain/return';
import { ReturnErrors } from '../domain/return.errors';
import { autoApproves, priceReturn, shortfallOf } from '../domain/return-lines';
import { decideReturnTransition, type ReturnActor, type ReturnStatus } from '../domain/return-status';
import { OriginalSales } from './ports/original-sales.port';
import { ReturnBoard } from './ports/return-board.port';
import { ReturnPublication } from './ports/return-publication.port';
import { type ReturnListQuery, ReturnStore } from './ports/return-store.port';

export interface ReturnRequest {
  /** An admin names the courier; a courier's token is its own. */
  readonly courierId: string | null;
  readonly sale: OriginalSaleRef;
  readonly items: readonly RequestedLine[];
  readonly comment: string | null;
}

/** A line of a return started in Bitrix24: the product the courier picked, not yet the sale's line. */
export interface PortalReturnLine {
  readonly productId: string;
  readonly characteristicId: string | null;
  readonly quantity: string;
  readonly reason: RequestedLine['reason'];
}

export interface Posting {
  readonly documentNumber: string;
  readonly documentDate: string;
}

type Who = AuditActor<ReturnActor>;

const RULES: Who = { actor: 'system', subject: 'system', source: 'system' };
const ONEC_EXCHANGE: Who = { actor: '1c', subject: 'onec-exchange', source: '1c' };

function auditState(entry: Return): Record<string, unknown> {
  return {
    status: entry.status,
    version: entry.version,
    refundTotal: entry.refundTotal,
    items: entry.items.map((line) => ({
      lineNo: line.lineNo,
      quantity: line.quantity,
      receivedQuantity: line.receivedQuantity,
      refund: line.refund,
    })),
    ...(entry.rejectionReason ? { rejectionReason: entry.rejectionReason } : {}),
    ...(entry.pickup?.cashRefund ? { cashRefund: entry.pickup.cashRefund } : {}),
    ...(entry.receipt && entry.receipt.shortfall.length > 0 ? { shortfall: entry.receipt.shortfall } : {}),
    ...(entry.onec ? { onec: entry.onec } : {}),
    ...(entry.refundSettlement ? { refundSettlement: entry.refundSettlement } : {}),
  };
}

/**
 * The returns' use cases. A return's quantities are checked against its sale under a lock of that sale, so
 * concurrent partial returns cannot together take back more than was sold; every change is audited in its
 * transaction, and a return's row is locked for a change, so concurrent requests about it queue up.
 */
@Injectable()
export class ReturnsService {
  private readonly logger = new Logger(ReturnsService.name);

  constructor(
    private readonly store: ReturnStore,
    private readonly sales: OriginalSales,
    private readonly publication: ReturnPublication,
    private readonly board: ReturnBoard,
    private readonly collisions: CollisionStore,
    private readonly audit: AuditTrail,
    private readonly unitOfWork: UnitOfWork,
    private readonly config: AppConfig,
  ) {}

  /** A courier asks to take goods back: checked against the sale, then approved by the rule or left to an operator. */
  request(request: ReturnRequest, principal: Principal): Promise<Return> {
    return this.open(request, principal, { id: randomUUID(), bitrixId: null });
  }

  /**
   * A return the courier started as an item in Bitrix24, under the id the item gives (the same for every event of
   * it, so a webhook delivered three times is one return). Its lines name products; each is the sale's line of that
   * product. Requested, the item becomes ours and follows the return; breaking a rule, it moves to the rejected stage
   * with the reasons.
   */
  async requestFromPortal(
    id: string,
    bitrixId: string,
    request:
      | (Omit<ReturnRequest, 'items'> & { readonly items: readonly PortalReturnLine[] })
      | { readonly unreadable: readonly FieldError[] },
    courier: Principal,
  ): Promise<Return | undefined> {
    const existing = await this.find(id);
    if (existing) {
      return existing;
    }
    try {
      if ('unreadable' in request) {
        throw ReturnErrors.invalid(request.unreadable);
      }
      const sale = await this.unitOfWork.run(() => this.sales.find(request.sale));
      const lines = 'refused' in sale ? [] : sale.lines;
      const unsold: FieldError[] = [];
      const items = request.items.flatMap((line, index) => {
        const sold = lines.find(
          (candidate) => candidate.productId === line.productId && candidate.characteristicId === line.characteristicId,
        );
        if (!sold && !('refused' in sale)) {
          unsold.push({
            path: `items.${index}.productId`,
            message: `UNKNOWN_LINE: the sale sold no ${line.productId}`,
          });
        }
        return sold ? [{ lineNo: sold.lineNo, quantity: line.quantity, reason: line.reason }] : [];
      });
      if (unsold.length > 0) {
        throw ReturnErrors.invalid(unsold);
      }
      return await this.open({ ...request, items }, courier, { id, bitrixId });
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'RETURN_INVALID') {
        throw error;
      }
      await this.unitOfWork.run(() => this.board.refuse(id, bitrixId, error.errors ?? []));
      return undefined;
    }
  }

  /**
   * A courier's move of its return's item in the portal: to `picked_up` is the courier's pick-up (now, without
   * cash); any other move is not the courier's to make there: the item shows the return's status again and the move
   * is kept as a collision for the back office.
   */
  portalMove(id: string, status: string | undefined, courier: Principal): Promise<Return> {
    return this.unitOfWork.run(async () => {
      const current = await this.load(id, courier, { lock: true });
      if (status === current.status) {
        return current;
      }
      if (status === 'picked_up' && current.status === 'approved') {
        return this.pickUp(id, { occurredAt: new Date(), geo: null, cashRefund: null }, courier);
      }
      await this.board.show(current);
      await this.collisions.record({
        domain: 'returns',
        entityType: 'return',
        entityId: current.id,
        field: 'status',
        proposed: { status: status ?? null },
        proposedBy: 'bitrix24',
        held: { status: current.status },
      });
      return current;
    });
  }

  /**
   * An operator settles a courier's refused stage move: the return keeps the status the middleware holds (the item
   * already shows it again); a status is moved only through the return's own doors, so nothing else applies here.
   */
  applyResolution(collision: Collision, resolution: NonNullable<Collision['resolution']>): Promise<void> {
    if (resolution.decision !== 'accept_middleware') {
      throw ReturnErrors.resolutionRefused(
        `a return's status moves only through its own actions (approve, pick-up, receive); collision ${collision.id} can only keep the held status`,
      );
    }
    return Promise.resolve();
  }

  /** The return of this id, whoever's it is (the Bitrix24 door asks before it knows the courier). */
  find(id: string): Promise<Return | undefined> {
    return this.unitOfWork.run(() => this.store.byId(id));
  }

  private open(
    request: ReturnRequest,
    principal: Principal,
    origin: { readonly id: string; readonly bitrixId: string | null },
  ): Promise<Return> {
    const who = auditActorOf(principal);
    const courierId = who.actor === 'courier' ? (principal.courierId ?? '') : request.courierId;
    return this.unitOfWork.run(async () => {
      const sale = await this.sales.find(request.sale);
      if ('refused' in sale || (courierId !== null && sale.courierId !== courierId)) {
        throw ReturnErrors.invalid([
          {
            path: 'sale.id',
            message: `UNKNOWN_SALE: ${'refused' in sale ? sale.refused : 'not a sale of this courier'}`,
          },
        ]);
      }
      await this.store.lockSale(request.sale);
      const priced = priceReturn(request.items, sale.lines, await this.store.returnedSoFar(request.sale));
      if (priced.errors.length > 0) {
        throw ReturnErrors.invalid(priced.errors);
      }
      const now = new Date();
      const created = await this.store.insert({
        id: origin.id,
        courierId: sale.courierId,
        sale,
        items: priced.lines,
        refundTotal: priced.refundTotal,
        comment: request.comment,
        bitrixId: origin.bitrixId,
        status: 'requested',
        approvedBy: null,
        rejectionReason: null,
        pickup: null,
        receipt: null,
        onec: null,
        refundSettlement: null,
        version: 1,
        exportedVersion: null,
        createdAt: now,
        updatedAt: now,
      });
      if (created.bitrixId !== null) {
        await this.board.show(created, { adopt: true });
      }
      await this.record(created, 'requested', who, null);
      const rule = this.config.returns;
      const approved = autoApproves(created.items, created.refundTotal, {
        reasons: rule.autoApproveReasons,
        maxRefund: rule.autoApproveMaxRefund,
      });
      return approved ? this.apply(created, 'approved', RULES, { approvedBy: 'rule' }) : created;
    });
  }

  approve(id: string, principal: Principal): Promise<Return> {
    return this.move(id, principal, 'approved', () => ({ approvedBy: 'admin' }));
  }

  reject(id: string, reason: string, principal: Principal): Promise<Return> {
    return this.move(id, principal, 'rejected', () => ({ rejectionReason: reason }));
  }

  /** The courier has the goods; a cash refund it paid is kept for the cash documents to settle. */
  pickUp(id: string, pickup: Pickup, principal: Principal): Promise<Return> {
    return this.move(id, principal, 'picked_up', (current) => {
      const cash = pickup.cashRefund;
      if (
        cash !== null &&
        (!ExactDecimal.fits(cash, MONEY_SCALE) ||
          ExactDecimal.parse(cash, MONEY_SCALE).compare(ExactDecimal.parse(current.refundTotal, MONEY_SCALE)) > 0)
      ) {
        throw ReturnErrors.invalid([
          { path: 'cashRefund', message: `OVER_REFUND: at most the refund due, ${current.refundTotal}` },
        ]);
      }
      return {
        pickup: { ...pickup, cashRefund: cash === null ? null : ExactDecimal.parse(cash, MONEY_SCALE).toString() },
      };
    });
  }

  /** The warehouse counted the goods: less than taken back is a shortfall kept with the return for the back office. */
  receive(
    id: string,
    receipt: { readonly occurredAt: Date; readonly items: readonly { lineNo: number; quantity: string }[] },
    principal: Principal,
  ): Promise<Return> {
    return this.move(id, principal, 'received', (current) => {
      const counted = new Map(receipt.items.map((line) => [line.lineNo, line.quantity]));
      const errors = receipt.items.flatMap((line, index) => {
        const taken = current.items.find((item) => item.lineNo === line.lineNo);
        if (!taken) {
          return [{ path: `items.${index}.lineNo`, message: `UNKNOWN_LINE: the return has no line ${line.lineNo}` }];
        }
        return ExactDecimal.fits(line.quantity, QUANTITY_SCALE) &&
          ExactDecimal.parse(line.quantity, QUANTITY_SCALE).compare(
            ExactDecimal.parse(taken.quantity, QUANTITY_SCALE),
          ) <= 0 &&
          !ExactDecimal.parse(line.quantity, QUANTITY_SCALE).isNegative()
          ? []
          : [{ path: `items.${index}.quantity`, message: `OUT_OF_RANGE: between 0 and ${taken.quantity}` }];
      });
      if (errors.length > 0) {
        throw ReturnErrors.invalid(errors);
      }
      const shortfall = shortfallOf(current.items, counted);
      if (shortfall.length > 0) {
        this.logger.warn({ returnId: current.id, shortfall }, 'The warehouse received less than the courier took back');
      }
      return {
        items: current.items.map((line) => ({
          ...line,
          receivedQuantity: ExactDecimal.parse(counted.get(line.lineNo) ?? '0', QUANTITY_SCALE).toString(),
        })),
        receipt: { occurredAt: receipt.occurredAt, shortfall },
      };
    });
  }

  /** 1C posted the return (REST); final. Closed at once unless a cash refund waits for its РКО. */
  acknowledge(id: string, posting: Posting, principal: Principal): Promise<Return> {
    return this.unitOfWork.run(async () =>
      this.post(await this.load(id, principal, { lock: true }), posting, auditActorOf(principal)),
    );
  }

  /** 1C's `sale/file` documents about returns, in the exchange's transaction. */
  async applyOnecDocuments(postings: readonly (Posting & { readonly returnId: string })[]): Promise<void> {
    for (const { returnId, ...posting } of postings) {
      const current = await this.store.byId(returnId, { lock: true });
      if (!current) {
        this.logger.warn({ returnId }, '1C sent a document about a return the middleware does not hold; skipped');
        continue;
      }
      await this.post(current, posting, ONEC_EXCHANGE);
    }
  }

  /**
   * 1C posted the РКО of the cash a courier paid back (the cash documents tell, in the worker's transaction). A
   * posted return closes now; one 1C has not posted yet keeps the settlement and closes when 1C posts it. The same
   * news again, or about a return the middleware does not hold, changes nothing.
   */
  async refundSettled(returnId: string, settlement: RefundSettlement): Promise<void> {
    const current = await this.store.byId(returnId, { lock: true });
    if (!current) {
      this.logger.warn({ returnId, ...settlement }, 'A posted refund names a return the middleware does not hold');
      return;
    }
    if (current.refundSettlement !== null) {
      return;
    }
    const settled: Return = {
      ...current,
      refundSettlement: settlement,
      version: current.version + 1,
      updatedAt: new Date(),
    };
    await this.store.update(settled);
    await this.record(settled, 'refund_settled', RULES, current);
    if (settled.status === 'posted') {
      await this.apply(settled, 'closed', RULES, {});
    }
  }

  close(id: string, principal: Principal): Promise<Return> {
    return this.move(id, principal, 'closed', () => ({}));
  }

  waitingForOnec(limit: number): Promise<Return[]> {
    return this.unitOfWork.run(() => this.store.waitingForOnec(limit));
  }

  /** 1C confirmed `sale/success` for these versions: each return still at that version is sent. */
  async markExported(refs: readonly { readonly id: string; readonly version: number }[]): Promise<void> {
    for (const ref of refs) {
      const current = await this.store.byId(ref.id, { lock: true });
      if (current?.version === ref.version && current.status === 'received') {
        await this.store.update({ ...current, exportedVersion: current.version + 1, version: current.version + 1 });
      }
    }
  }

  get(id: string, principal: Principal): Promise<Return> {
    return this.unitOfWork.run(() => this.load(id, principal));
  }

  history(id: string, principal: Principal) {
    return this.unitOfWork.run(async () => {
      await this.load(id, principal);
      return this.audit.history('returns', 'return', id);
    });
  }

  /** A courier lists its own returns only, whatever courier filter it sends. */
  list(query: ReturnListQuery, principal: Principal): Promise<Return[]> {
    const courierId = courierScope(principal, query.courierId);
    return courierId === null
      ? Promise.resolve([])
      : this.unitOfWork.run(() => this.store.list({ ...query, courierId }));
  }

  /** 1C's posting is final: 1C sending it again (a later exchange, a retried call) answers the return as it is. */
  private async post(current: Return, posting: Posting, who: Who): Promise<Return> {
    if (current.onec !== null) {
      return current;
    }
    const posted = await this.apply(current, 'posted', who, {
      onec: { ...posting, receivedAt: new Date() },
    });
    return posted.status === 'posted' && !awaitsRefundSettlement(posted)
      ? this.apply(posted, 'closed', RULES, {})
      : posted;
  }

  private move(
    id: string,
    principal: Principal,
    to: ReturnStatus,
    change: (current: Return) => Partial<Return>,
  ): Promise<Return> {
    return this.unitOfWork.run(async () => {
      const current = await this.load(id, principal, { lock: true });
      return this.apply(current, to, auditActorOf(principal), change);
    });
  }

  /** One move: checked, the change applied and audited; the same state again answers the return as it is. */
  private async apply(
    current: Return,
    to: ReturnStatus,
    who: Who,
    change: Partial<Return> | ((current: Return) => Partial<Return>),
  ): Promise<Return> {
    const decision = decideReturnTransition(current.status, to, who.actor);
    if (decision.kind === 'unchanged') {
      return current;
    }
    if (decision.kind === 'illegal') {
      throw ReturnErrors.illegalTransition(current.status, decision.reason);
    }
    if (decision.kind === 'forbidden') {
      throw ReturnErrors.forbiddenTransition(decision.reason);
    }
    const version = current.version + 1;
    // Where 1C takes returns by push, a received one is pushed once and never waits for `sale/query` as well.
    const pushed = to === 'received' && this.publication.pushes;
    const next: Return = {
      ...current,
      ...(typeof change === 'function' ? change(current) : change),
      status: to,
      version,
      ...(pushed ? { exportedVersion: version } : {}),
      updatedAt: new Date(),
    };
    await this.store.update(next);
    await this.record(next, to, who, current);
    if (pushed) {
      await this.publication.push(next);
    }
    if (to === 'picked_up' && paysCashBack(next)) {
      await this.publication.cashRefunded(next);
    }
    return next;
  }

  private async load(id: string, principal: Principal, options: { lock?: boolean } = {}): Promise<Return> {
    const entry = await this.store.byId(id, options);
    if (!entry || (auditActorOf(principal).actor === 'courier' && entry.courierId !== principal.courierId)) {
      throw ReturnErrors.notFound(id);
    }
    return entry;
  }

  private async record(entry: Return, action: string, who: Who, before: Return | null): Promise<void> {
    // The item of a return started in Bitrix24 follows every change after its creation (which adopts it).
    if (before !== null && entry.bitrixId !== null) {
      await this.board.show(entry);
    }
    await this.audit.record({
      domain: 'returns',
      entityType: 'return',
      entityId: entry.id,
      action,
      source: who.source,
      actor: who.subject,
      actorRole: who.actor,
      before: before ? auditState(before) : null,
      after: auditState(entry),
    });
  }
}
