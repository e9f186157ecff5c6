import { randomUUID } from 'node:crypto';
import { AuditTrail, type AuditSource } from '@app/audit';
import {
  AppConfig,
  ExactDecimal,
  MONEY_SCALE,
  type Principal,
  QUANTITY_SCALE,
  UnitOfWork,
  courierScope,
} from '@app/core';
import { Injectable, Logger } from '@nestjs/common';
import type { OriginalSaleRef, Pickup, RequestedLine, Return } from '../domain/return';
import { ReturnErrors } from '../domain/return.errors';
import { autoApproves, priceReturn, shortfallOf } from '../domain/return-lines';
import { decideReturnTransition, type ReturnActor, type ReturnStatus } from '../domain/return-status';
import { OriginalSales } from './ports/original-sales.port';
import { ReturnPublication } from './ports/return-publication.port';
import { type ReturnListQuery, ReturnStore } from './ports/return-store.port';

export interface ReturnRequest {
  /** An admin names the courier; a courier's token is its own. */
  readonly courierId: string | null;
  readonly sale: OriginalSaleRef;
  readonly items: readonly RequestedLine[];
  readonly comment: string | null;
}

export interface Posting {
  readonly documentNumber: string;
  readonly documentDate: string;
}

interface Who {
  readonly actor: ReturnActor;
  readonly subject: string;
  readonly source: AuditSource;
}

function whoIs(principal: Principal): Who {
  if (principal.roles.includes('admin')) {
    return { actor: 'admin', subject: principal.subject, source: 'admin' };
  }
  if (principal.roles.includes('1c')) {
    return { actor: '1c', subject: principal.subject, source: '1c' };
  }
  return { actor: 'courier', subject: principal.subject, source: 'courier-rest' };
}

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
    private readonly audit: AuditTrail,
    private readonly unitOfWork: UnitOfWork,
    private readonly config: AppConfig,
  ) {}

  /** A courier asks to take goods back: checked against the sale, then approved by the rule or left to an operator. */
  request(request: ReturnRequest, principal: Principal): Promise<Return> {
    const who = whoIs(principal);
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
        id: randomUUID(),
        courierId: sale.courierId,
        sale,
        items: priced.lines,
        refundTotal: priced.refundTotal,
        comment: request.comment,
        status: 'requested',
        approvedBy: null,
        rejectionReason: null,
        pickup: null,
        receipt: null,
        onec: null,
        version: 1,
        exportedVersion: null,
        createdAt: now,
        updatedAt: now,
      });
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

  /** 1C posted the return (REST); final. Closed at once when no cash refund is left to settle. */
  acknowledge(id: string, posting: Posting, principal: Principal): Promise<Return> {
    return this.unitOfWork.run(async () =>
      this.post(await this.load(id, principal, { lock: true }), posting, whoIs(principal)),
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
    return posted.status === 'posted' && (posted.pickup?.cashRefund ?? null) === null
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
      return this.apply(current, to, whoIs(principal), change);
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
    return next;
  }

  private async load(id: string, principal: Principal, options: { lock?: boolean } = {}): Promise<Return> {
    const entry = await this.store.byId(id, options);
    if (!entry || (whoIs(principal).actor === 'courier' && entry.courierId !== principal.courierId)) {
      throw ReturnErrors.notFound(id);
    }
    return entry;
  }

  private async record(entry: Return, action: string, who: Who, before: Return | null): Promise<void> {
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
