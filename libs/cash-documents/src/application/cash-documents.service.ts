import { randomUUID } from 'node:crypto';
import { type AuditActor, auditActorOf, AuditTrail } from '@app/audit';
import {
  AppConfig,
  AppError,
  canonicalJson,
  ExactDecimal,
  type FieldError,
  MONEY_SCALE,
  type Principal,
  UnitOfWork,
} from '@app/core';
import { SlaEvaluations, type SlaRuleId } from '@app/sla';
import { Injectable, Logger } from '@nestjs/common';
import type { CashCollectedData, CashRefundedData } from '../cash-events';
import {
  type CashDocument,
  type CashDocumentContent,
  type CashOperation,
  type ExpenseLine,
  kindOf,
  type Settlement,
  type SettledType,
} from '../domain/cash-document';
import { type CashActor, type CashDocumentStatus, decideCashTransition } from '../domain/cash-document-status';
import { CashErrors } from '../domain/cash.errors';
import { amountProblem, contentProblems, postedMovement, sumOf, unspentProblems } from '../domain/cash-rules';
import { CashBook, type Collection, type CourierBalance, type Holding } from './ports/cash-book.port';
import { type CashDocumentListQuery, CashDocumentStore } from './ports/cash-document-store.port';
import { CashPublication } from './ports/cash-publication.port';
import { CourierProfiles } from './ports/courier-profiles.port';

export interface CashDocumentRequest extends Omit<CashDocumentContent, 'courierId'> {
  /** An admin names the courier; a courier's token is its own. */
  readonly courierId: string | null;
  /** An advance report's unspent rest: a ПКO returning it is raised with the report. */
  readonly unspent: string | null;
  /** False keeps the document a draft its author submits later. */
  readonly submit: boolean;
}

/** 1C's answer to a document sent to it. */
export type OnecAnswer =
  | {
      readonly outcome: 'posted';
      readonly documentNumber: string;
      readonly documentDate: string;
      /** What 1C posted, where it differs from what was submitted; the submitted amount otherwise. */
      readonly amount: string | null;
    }
  | { readonly outcome: 'rejected'; readonly reason: string };

/** A document 1C created (an advance issued at the cash desk, say), as 1C publishes it. */
export interface OnecCashDocument extends CashDocumentContent {
  readonly documentNumber: string;
  readonly documentDate: string;
  readonly posted: boolean;
}

export interface OpenAdvance {
  readonly document: CashDocument;
  readonly outstanding: string;
}

export interface CourierCash extends CourierBalance {
  readonly name: string | null;
  readonly openCollections: readonly Collection[];
  readonly openAdvances: readonly OpenAdvance[];
  /** Documents not posted yet: what the balance does not show until 1C posts them. */
  readonly pendingDocuments: readonly CashDocument[];
}

type Who = AuditActor<CashActor>;

const RULES: Who = { actor: 'system', subject: 'system', source: 'system' };

/** What a courier may write itself: its handovers, its advance reports and the rest of an advance it returns. */
const COURIER_OPERATIONS: readonly CashOperation[] = ['customer_payment', 'expense_report', 'accountable_return'];

const money = (text: string) => ExactDecimal.parse(text, MONEY_SCALE);

/**
 * The SLA rules a change can break or clear, evaluated again in its wake (besides the schedule): cash collected
 * changes what a courier holds and whether it matches the sale; a posting settles cash, closes advances and may
 * differ from what was submitted; 1C's rejection ends a document's wait.
 */
const RULES_AFTER_COLLECTION: readonly SlaRuleId[] = [
  'cash_not_handed_over',
  'cash_on_hand_over_limit',
  'cod_mismatch',
];
const RULES_AFTER_POSTING: readonly SlaRuleId[] = [
  'cash_not_handed_over',
  'cash_on_hand_over_limit',
  'document_not_posted',
  'advance_not_reported',
  'posted_amount_mismatch',
];

function auditState(document: CashDocument): Record<string, unknown> {
  return {
    status: document.status,
    version: document.version,
    operation: document.operation,
    amount: document.amount,
    settles: document.settles.map((item) => ({ type: item.type, id: item.id, amount: item.amount })),
    ...(document.advanceId ? { advanceId: document.advanceId } : {}),
    ...(document.onec ? { onec: document.onec } : {}),
    ...(document.rejectionReason ? { rejectionReason: document.rejectionReason } : {}),
  };
}

/**
 * The cash documents' use cases and the couriers' ledger. Every change of one courier's money runs under that
 * courier's lock, so concurrent handovers cannot settle one sale twice and a ledger entry's key is decided once;
 * ledger entries are appended only, under keys that make every input count once however often it arrives.
 */
@Injectable()
export class CashDocumentsService {
  private readonly logger = new Logger(CashDocumentsService.name);

  constructor(
    private readonly store: CashDocumentStore,
    private readonly book: CashBook,
    private readonly couriers: CourierProfiles,
    private readonly publication: CashPublication,
    private readonly audit: AuditTrail,
    private readonly sla: SlaEvaluations,
    private readonly unitOfWork: UnitOfWork,
    private readonly config: AppConfig,
  ) {}

  /** A courier's handover, advance report or returned rest; any document from the back office. */
  create(request: CashDocumentRequest, principal: Principal): Promise<CashDocument> {
    const who = auditActorOf(principal);
    if (who.actor === 'courier' && !COURIER_OPERATIONS.includes(request.operation)) {
      throw new AppError('CASH_OPERATION_FORBIDDEN', 'forbidden', 'Forbidden', {
        detail: `A courier writes ${COURIER_OPERATIONS.join(', ')}; ${request.operation} is the cash desk's.`,
      });
    }
    const courierId = who.actor === 'courier' ? (principal.courierId ?? '') : request.courierId;
    if (courierId === null) {
      throw CashErrors.invalid([{ path: 'courierId', message: 'REQUIRED: the courier the document is about' }]);
    }
    return this.unitOfWork.run(async () => {
      const profile = await this.couriers.profile(courierId);
      if (!profile) {
        throw CashErrors.invalid([
          { path: 'courierId', message: `UNKNOWN_COURIER: master data holds no ${courierId}` },
        ]);
      }
      await this.book.lockCourier(courierId);
      const content: CashDocumentContent = {
        ...request,
        courierId,
        cashDeskId: request.cashDeskId ?? profile.cashDeskId,
      };
      const errors = [
        ...contentProblems(content, this.config.cashDocuments),
        ...unspentProblems(request.operation, request.unspent),
      ];
      if (errors.length === 0) {
        errors.push(...(await this.sourceProblems(content, request.unspent)));
      }
      if (errors.length > 0) {
        throw CashErrors.invalid(errors);
      }
      const created = await this.insert(content, who, { origin: who.actor, originKey: null });
      const rest =
        request.operation === 'expense_report' ? await this.raiseUnspentRest(created, request.unspent, who) : [];
      if (!request.submit) {
        return created;
      }
      for (const document of rest) {
        await this.apply(document, 'submitted', who, { submittedAt: new Date() });
      }
      return this.apply(created, 'submitted', who, { submittedAt: new Date() });
    });
  }

  /** The author submits a draft, or again a document 1C rejected. */
  submit(id: string, principal: Principal): Promise<CashDocument> {
    return this.move(id, principal, 'submitted', () => ({ submittedAt: new Date(), rejectionReason: null }));
  }

  cancel(id: string, principal: Principal): Promise<CashDocument> {
    return this.unitOfWork.run(async () => {
      const current = await this.load(id, principal, { lock: true });
      const cancelled = await this.apply(current, 'cancelled', auditActorOf(principal), {});
      // An advance report's unspent rest is part of the report: it goes with it.
      const rest = await this.store.byOriginKey(`unspent-of:${current.id}`);
      if (rest && rest.status !== 'cancelled' && cancelled !== current) {
        await this.apply(rest, 'cancelled', auditActorOf(principal), {});
      }
      return cancelled;
    });
  }

  /** The worker gives a submitted document to 1C; a document cancelled meanwhile stays where it is. */
  send(id: string): Promise<void> {
    return this.unitOfWork.run(async () => {
      const current = await this.store.byId(id, { lock: true });
      if (current?.status !== 'submitted') {
        return;
      }
      const sent = await this.apply(current, 'sent_to_1c', RULES, { sentAt: new Date() });
      await this.publication.send(sent, (await this.couriers.profile(sent.courierId))?.name ?? null);
    });
  }

  /**
   * 1C's answer. Posted is final and moves the ledger by the amount 1C posted; 1C sending its answer again (a
   * retried call) answers the document as it is.
   */
  acknowledge(id: string, answer: OnecAnswer, principal: Principal): Promise<CashDocument> {
    return this.unitOfWork.run(async () => {
      const current = await this.load(id, principal, { lock: true });
      const who = auditActorOf(principal);
      if (answer.outcome === 'rejected') {
        const rejected = await this.apply(current, 'rejected_by_1c', who, { rejectionReason: answer.reason });
        await this.sla.request(['document_not_posted']);
        return rejected;
      }
      if (current.status === 'posted') {
        return current;
      }
      const amountError = answer.amount === null ? undefined : amountProblem(answer.amount);
      if (amountError) {
        throw CashErrors.invalid([{ path: 'amount', message: amountError }]);
      }
      const posted = await this.apply(current, 'posted', who, {
        onec: {
          documentNumber: answer.documentNumber,
          documentDate: answer.documentDate,
          amount: money(answer.amount ?? current.amount).toString(),
          postedAt: new Date(),
        },
      });
      await this.settle(posted);
      return posted;
    });
  }

  /**
   * A document 1C created, under 1C's id: created or replaced as 1C holds it (1C is its source), posted or not; the
   * ledger follows what 1C posted, by appending the difference, never by editing an entry. The same document again
   * changes nothing.
   */
  putFromOnec(id: string, document: OnecCashDocument, principal: Principal): Promise<CashDocument> {
    const errors = contentProblems(document, { fiscalReceiptRequired: false });
    if (errors.length > 0) {
      throw CashErrors.invalid(errors);
    }
    return this.unitOfWork.run(async () => {
      await this.book.lockCourier(document.courierId);
      const existing = await this.store.byId(id, { lock: true });
      if (existing && existing.origin !== '1c') {
        throw CashErrors.notOnecs(id);
      }
      const { documentNumber, documentDate, posted, ...content } = document;
      const onec = posted
        ? {
            documentNumber,
            documentDate,
            amount: money(content.amount).toString(),
            postedAt: existing?.onec?.postedAt ?? new Date(),
          }
        : null;
      const status: CashDocumentStatus = posted ? 'posted' : 'draft';
      const who = auditActorOf(principal);
      if (!existing) {
        const created = await this.store.insert({
          ...this.blank(content, id, { origin: '1c', originKey: null }),
          amount: money(content.amount).toString(),
          status,
          onec,
        });
        await this.record(created, 'received_from_1c', who, null);
        await this.settle(created);
        return created;
      }
      const next: CashDocument = {
        ...existing,
        ...content,
        amount: money(content.amount).toString(),
        status,
        onec,
        version: existing.version + 1,
        updatedAt: new Date(),
      };
      if (canonicalJson(auditState({ ...next, version: existing.version })) === canonicalJson(auditState(existing))) {
        return existing;
      }
      await this.store.update(next);
      await this.record(next, 'received_from_1c', who, existing);
      await this.settle(next);
      return next;
    });
  }

  /**
   * A sale's cash, as its domain reports it (in the consumer's transaction): the collection takes the amount the
   * courier holds now, and the ledger the difference from what it had; an older report than the one applied is
   * left out, so the order of arrival cannot undo a correction.
   */
  async collected(report: CashCollectedData): Promise<void> {
    await this.book.lockCourier(report.courierId);
    const existing = await this.book.collection(report.source.type, report.source.id);
    if (existing && existing.version >= report.version) {
      return;
    }
    if (!existing && money(report.amount).isZero() && money(report.expected).isZero()) {
      return;
    }
    await this.book.saveCollection({
      type: report.source.type,
      id: report.source.id,
      number: report.source.number,
      courierId: report.courierId,
      amount: money(report.amount).toString(),
      expected: money(report.expected).toString(),
      collectedAt: new Date(report.occurredAt),
      version: report.version,
      settledBy: existing?.settledBy ?? null,
      settledAt: existing?.settledAt ?? null,
    });
    await this.holdExactly(
      { type: report.source.type, id: report.source.id },
      { courierId: report.courierId, account: 'cash_on_hand', amount: report.amount },
      (n) => `${report.source.type}:${report.source.id}:v${report.version}:${n}`,
      new Date(report.occurredAt),
    );
    await this.sla.request(RULES_AFTER_COLLECTION);
  }

  /** A return's cash refund becomes one disbursement (РКО), submitted at once; the same refund again is the same one. */
  async refunded(report: CashRefundedData): Promise<void> {
    const originKey = `refund-of:${report.returnId}`;
    if (await this.store.byOriginKey(originKey)) {
      return;
    }
    await this.book.lockCourier(report.courierId);
    const profile = await this.couriers.profile(report.courierId);
    const content: CashDocumentContent = {
      operation: 'customer_refund',
      courierId: report.courierId,
      cashDeskId: profile?.cashDeskId ?? null,
      counterpartyId: report.counterpartyId,
      amount: report.amount,
      purpose: `Возврат оплаты по возврату ${report.returnNumber}`,
      cashFlowItem: null,
      vatIncluded: null,
      settles: [{ type: 'return', id: report.returnId, amount: report.amount, fiscalReceipt: null }],
      advanceId: null,
      lines: [],
    };
    const errors = contentProblems(content, this.config.cashDocuments);
    if (errors.length > 0) {
      this.logger.error({ returnId: report.returnId, errors }, 'A return reported a cash refund no document can carry');
      return;
    }
    const created = await this.insert(content, RULES, { origin: 'system', originKey });
    await this.apply(created, 'submitted', RULES, { submittedAt: new Date() });
  }

  get(id: string, principal: Principal): Promise<CashDocument> {
    return this.unitOfWork.run(() => this.load(id, principal));
  }

  history(id: string, principal: Principal) {
    return this.unitOfWork.run(async () => {
      await this.load(id, principal);
      return this.audit.history('cash-documents', 'cash_document', id);
    });
  }

  /** A courier lists its own documents only, whatever courier it asks for. */
  list(query: CashDocumentListQuery, principal: Principal): Promise<CashDocument[]> {
    const own = auditActorOf(principal).actor === 'courier';
    if (own && query.courierId !== undefined && query.courierId !== principal.courierId) {
      return Promise.resolve([]);
    }
    return this.unitOfWork.run(() =>
      this.store.list({ ...query, courierId: own ? (principal.courierId ?? '') : query.courierId }),
    );
  }

  /** A courier's money: the ledger's sums and what is still open. Another courier's is not found, as an unknown one. */
  courierCash(courierId: string, principal: Principal): Promise<CourierCash> {
    if (auditActorOf(principal).actor === 'courier' && principal.courierId !== courierId) {
      return Promise.reject(CashErrors.courierNotFound(courierId));
    }
    return this.unitOfWork.run(async () => {
      const [profile, balance] = await Promise.all([this.couriers.profile(courierId), this.book.balance(courierId)]);
      const open = await this.store.open(courierId);
      if (
        !profile &&
        open.length === 0 &&
        balance.oldestOpenCollectionAt === null &&
        money(balance.cashOnHand).isZero() &&
        money(balance.advances).isZero()
      ) {
        throw CashErrors.courierNotFound(courierId);
      }
      return {
        ...balance,
        name: profile?.name ?? null,
        openCollections: await this.book.openCollections(courierId),
        openAdvances: await this.openAdvances(courierId),
        pendingDocuments: open,
      };
    });
  }

  balances(query: { readonly after?: string; readonly limit: number }): Promise<CourierBalance[]> {
    return this.unitOfWork.run(() => this.book.balances(query));
  }

  private async openAdvances(courierId: string): Promise<OpenAdvance[]> {
    const issued = await this.store.list({ courierId, operation: 'advance_issue', status: 'posted', limit: 200 });
    const open: OpenAdvance[] = [];
    for (const document of issued) {
      const outstanding = await this.outstanding(document);
      if (!outstanding.isZero()) {
        open.push({ document, outstanding: outstanding.toString() });
      }
    }
    return open;
  }

  /** What an advance still waits for: its posted amount less the live reports and rests that close it. */
  private async outstanding(advance: CashDocument, except?: string): Promise<ExactDecimal> {
    const closing = (await this.store.closing(advance.id)).filter((document) => document.id !== except);
    return money(advance.onec?.amount ?? advance.amount).minus(
      sumOf(closing.map((document) => document.onec?.amount ?? document.amount)),
    );
  }

  /** What a document settles or closes must be the courier's, open, and taken in full by this document alone. */
  private async sourceProblems(content: CashDocumentContent, unspent: string | null): Promise<FieldError[]> {
    const errors: FieldError[] = [];
    const settledElsewhere = await this.store.settling(content.courierId, content.settles);
    for (const [index, item] of content.settles.entries()) {
      const path = `settles.${index}`;
      const other = settledElsewhere.find((document) =>
        document.settles.some((settled) => settled.type === item.type && settled.id === item.id),
      );
      if (other) {
        errors.push({
          path: `${path}.id`,
          message: `ALREADY_SETTLED: ${other.number} settles ${item.type} ${item.id}`,
        });
        continue;
      }
      if (item.type === 'delivery' || item.type === 'instant_order') {
        const collection = await this.book.collection(item.type, item.id);
        if (!collection || collection.courierId !== content.courierId) {
          errors.push({
            path: `${path}.id`,
            message: `UNKNOWN_COLLECTION: the courier took no cash for ${item.type} ${item.id}`,
          });
        } else if (!money(collection.amount).equals(money(item.amount))) {
          errors.push({
            path: `${path}.amount`,
            message: `AMOUNT_MISMATCH: the courier took ${collection.amount} for it`,
          });
        }
      }
    }
    if (content.advanceId !== null) {
      const advance = await this.store.byId(content.advanceId, { lock: true });
      if (
        !advance ||
        advance.operation !== 'advance_issue' ||
        advance.courierId !== content.courierId ||
        advance.status !== 'posted'
      ) {
        return [...errors, { path: 'advanceId', message: 'UNKNOWN_ADVANCE: not a posted advance of this courier' }];
      }
      const outstanding = await this.outstanding(advance);
      const closes = money(content.amount).plus(unspent === null ? ExactDecimal.zero(MONEY_SCALE) : money(unspent));
      if (closes.compare(outstanding) > 0) {
        errors.push({ path: 'amount', message: `OVER_ADVANCE: the advance has ${outstanding.toString()} outstanding` });
      } else if (unspent !== null && !closes.equals(outstanding)) {
        errors.push({
          path: 'unspent',
          message: `NOT_ADDING_UP: expenses ${content.amount} and the unspent ${unspent} must add up to the ${outstanding.toString()} outstanding`,
        });
      }
    }
    return errors;
  }

  /** The ПКО returning an advance report's unspent rest, raised with the report and following it. */
  private async raiseUnspentRest(report: CashDocument, unspent: string | null, who: Who): Promise<CashDocument[]> {
    if (unspent === null || money(unspent).isZero()) {
      return [];
    }
    return [
      await this.insert(
        {
          operation: 'accountable_return',
          courierId: report.courierId,
          cashDeskId: report.cashDeskId,
          counterpartyId: null,
          amount: money(unspent).toString(),
          purpose: `Возврат неизрасходованного остатка по авансовому отчёту ${report.number}`,
          cashFlowItem: null,
          vatIncluded: null,
          settles: [],
          advanceId: report.advanceId,
          lines: [],
        },
        who,
        { origin: report.origin, originKey: `unspent-of:${report.id}` },
      ),
    ];
  }

  /**
   * A posted document's consequences, each at most once: the ledger appended with the difference between what the
   * document moves now and what its entries already hold, the collections it settles settled, and the returns whose
   * refund it pays told (they keep the first posting they hear of, so telling again changes nothing).
   */
  private async settle(document: CashDocument): Promise<void> {
    await this.book.lockCourier(document.courierId);
    const movement = postedMovement(document);
    await this.holdExactly(
      { type: 'cash_document', id: document.id },
      { courierId: document.courierId, account: movement.account, amount: movement.amount.toString() },
      (n) => `cash_document:${document.id}:${n}`,
      document.onec?.postedAt ?? new Date(),
    );
    if (document.status !== 'posted') {
      return;
    }
    for (const item of document.settles) {
      if (item.type === 'return') {
        await this.publication.refundSettled({
          returnId: item.id,
          documentId: document.id,
          documentNumber: document.onec!.documentNumber,
          amount: document.onec!.amount,
          postedAt: document.onec!.postedAt.toISOString(),
        });
        continue;
      }
      if (item.type !== 'delivery' && item.type !== 'instant_order') {
        continue;
      }
      const collection = await this.book.collection(item.type, item.id);
      if (collection && collection.settledBy === null) {
        await this.book.saveCollection({ ...collection, settledBy: document.id, settledAt: document.onec!.postedAt });
      }
    }
    await this.sla.request(RULES_AFTER_POSTING);
  }

  /**
   * Makes a document's entries hold exactly `target`: appends, for each courier and account, the difference between
   * what they hold and what they should, so a changed amount, courier or account is corrected by new entries and
   * never by editing old ones, and the same input again appends nothing. Entry keys count the document's entries, so
   * two appends can only race under the courier's lock (held by the caller) and the second finds its key taken.
   */
  private async holdExactly(
    document: { readonly type: SettledType; readonly id: string },
    target: Holding,
    keyOf: (n: number) => string,
    occurredAt: Date,
  ): Promise<void> {
    const { count, held } = await this.book.heldFor(document.type, document.id);
    const same = (holding: Holding) => holding.courierId === target.courierId && holding.account === target.account;
    const changes = [
      ...held
        .filter((holding) => !same(holding))
        .map((holding) => ({ ...holding, change: money(holding.amount).negated() })),
      {
        ...target,
        change: money(target.amount).minus(money(held.find(same)?.amount ?? '0')),
      },
    ].filter((holding) => !holding.change.isZero());
    if (changes.length === 0) {
      return;
    }
    for (const holding of changes) {
      await this.book.lockCourier(holding.courierId);
    }
    await this.book.append(
      changes.map((holding, index) => ({
        key: keyOf(count + index + 1),
        courierId: holding.courierId,
        account: holding.account,
        amount: holding.change.toString(),
        documentType: document.type,
        documentId: document.id,
        occurredAt,
      })),
    );
  }

  private blank(
    content: CashDocumentContent,
    id: string,
    origin: Pick<CashDocument, 'origin' | 'originKey'>,
  ): Omit<CashDocument, 'number'> {
    const now = new Date();
    return {
      ...content,
      id,
      kind: kindOf(content.operation),
      ...origin,
      status: 'draft',
      onec: null,
      rejectionReason: null,
      submittedAt: null,
      sentAt: null,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
  }

  private async insert(
    content: CashDocumentContent,
    who: Who,
    origin: Pick<CashDocument, 'origin' | 'originKey'>,
  ): Promise<CashDocument> {
    const created = await this.store.insert({
      ...this.blank(
        {
          ...content,
          amount: money(content.amount).toString(),
          settles: content.settles.map((item): Settlement => ({ ...item, amount: money(item.amount).toString() })),
          lines: content.lines.map((line): ExpenseLine => ({ ...line, amount: money(line.amount).toString() })),
        },
        randomUUID(),
        origin,
      ),
    });
    await this.record(created, 'created', who, null);
    return created;
  }

  private move(
    id: string,
    principal: Principal,
    to: CashDocumentStatus,
    change: (current: CashDocument) => Partial<CashDocument>,
  ): Promise<CashDocument> {
    return this.unitOfWork.run(async () => {
      const current = await this.load(id, principal, { lock: true });
      return this.apply(current, to, auditActorOf(principal), change);
    });
  }

  /** One move: checked, applied, audited; a submission is queued for 1C in the same transaction. */
  private async apply(
    current: CashDocument,
    to: CashDocumentStatus,
    who: Who,
    change: Partial<CashDocument> | ((current: CashDocument) => Partial<CashDocument>),
  ): Promise<CashDocument> {
    const decision = decideCashTransition(current.status, to, who.actor);
    if (decision.kind === 'unchanged') {
      return current;
    }
    if (decision.kind === 'illegal') {
      throw CashErrors.illegalTransition(current.status, decision.reason);
    }
    if (decision.kind === 'forbidden') {
      throw CashErrors.forbiddenTransition(decision.reason);
    }
    const next: CashDocument = {
      ...current,
      ...(typeof change === 'function' ? change(current) : change),
      status: to,
      version: current.version + 1,
      updatedAt: new Date(),
    };
    await this.store.update(next);
    await this.record(next, to, who, current);
    if (to === 'submitted') {
      await this.publication.queue(next);
    }
    return next;
  }

  /** Another courier's document does not exist for this courier: 404, never 403. */
  private async load(id: string, principal: Principal, options: { lock?: boolean } = {}): Promise<CashDocument> {
    const document = await this.store.byId(id, options);
    if (!document || (auditActorOf(principal).actor === 'courier' && document.courierId !== principal.courierId)) {
      throw CashErrors.notFound(id);
    }
    return document;
  }

  private async record(document: CashDocument, action: string, who: Who, before: CashDocument | null): Promise<void> {
    await this.audit.record({
      domain: 'cash-documents',
      entityType: 'cash_document',
      entityId: document.id,
      action,
      source: who.source,
      actor: who.subject,
      actorRole: who.actor,
      before: before ? auditState(before) : null,
      after: auditState(document),
    });
  }
}
