import { randomUUID } from 'node:crypto';
import { AuditTrail, type AuditSource, type Collision, CollisionStore } from '@app/audit';
import { type FieldError, isTimestamp, type Principal, UnitOfWork, courierScope } from '@app/core';
import { SlaEvaluations } from '@app/sla';
import { Injectable } from '@nestjs/common';
import {
  canonicalContent,
  contentFromSnapshot,
  contentSnapshot,
  type Delivery,
  EDITABLE_FIELDS,
  type DeliveryContent,
  initialStatus,
  sameContent,
} from '../domain/delivery';
import { DeliveryErrors } from '../domain/delivery.errors';
import {
  checkOutcome,
  checkShipment,
  FAILURE_REASONS,
  type FailureReason,
  type OutcomeFigures,
  type Violation,
} from '../domain/delivery-lines';
import {
  decideTransition,
  DELIVERY_STATUSES,
  type DeliveryActor,
  type DeliveryStatus,
  isDispatched,
  isOutcome,
} from '../domain/delivery-status';
import { DeliveryBoard } from './ports/delivery-board.port';
import { DeliveryConfirmations } from './ports/delivery-confirmations.port';
import { type DeliveryListQuery, DeliveryStore } from './ports/delivery-store.port';
import { type DeliveryReference, ReferenceCheck, unusableMessage } from './ports/reference-check.port';
import { TripTracker } from './trip-tracker';

/** A status change as a courier (or an admin on its behalf) reports it. */
export interface StatusChange {
  readonly status: DeliveryStatus;
  readonly occurredAt: Date;
  readonly comment: string | null;
  readonly geo: { readonly latitude: string; readonly longitude: string } | null;
  readonly delivered?: readonly { readonly lineNo: number; readonly quantity: string }[];
  readonly failureReason?: FailureReason;
  readonly cashCollected?: string;
  /** An admin's correction of a terminal state says why. */
  readonly correctionReason?: string;
}

/** A change of the delivery's item in Bitrix24, as the connector read it back in our terms. */
export interface PortalChange {
  readonly bitrixId: string;
  readonly deleted: boolean;
  /** Our status for the item's stage; undefined when the mapping does not map that stage. */
  readonly status?: DeliveryStatus;
  readonly cashCollected?: string;
  readonly failureReason?: string;
  readonly comment?: string;
  readonly occurredAt?: Date;
}

export type PortalOutcome = 'applied' | 'applied_with_deviation' | 'unchanged' | 'reverted' | 'unknown';

interface Who {
  readonly actor: DeliveryActor;
  /** The token's subject, or the portal item for a change made in Bitrix24. */
  readonly subject: string;
}

/** What placing an order of a trip did to its delivery. */
export type PlacedDelivery =
  | { readonly delivery: Delivery; readonly change: 'created' | 'updated' | 'unchanged' }
  | { readonly delivery: Delivery; readonly change: 'collision'; readonly collisionId: string };

export interface Acknowledgement {
  readonly documentNumber: string;
  readonly documentDate: string;
}

const fieldErrors = (violations: readonly Violation[]): FieldError[] =>
  violations.map((violation) => ({ path: violation.path, message: violation.reason }));

/** What the audit trail keeps of a delivery's state: its status and what moves with it. */
function auditState(delivery: Delivery): Record<string, unknown> {
  return {
    status: delivery.status,
    courierId: delivery.courierId,
    version: delivery.version,
    ...(delivery.outcome ? { outcome: delivery.outcome } : {}),
    ...(delivery.onecAcknowledgement ? { onecAcknowledgement: delivery.onecAcknowledgement } : {}),
  };
}

function actorOf(principal: Principal): DeliveryActor {
  if (principal.roles.includes('admin')) {
    return 'admin';
  }
  return principal.roles.includes('1c') ? '1c' : 'courier';
}

const SOURCE_OF: Record<DeliveryActor, AuditSource> = {
  '1c': '1c',
  courier: 'courier-rest',
  bitrix24: 'bitrix24',
  admin: 'admin',
};

/**
 * The deliveries' use cases. Every change runs in one transaction with its audit entry and, for an outcome, its
 * confirmation to 1C; a delivery's row is locked for the change, so concurrent requests about it queue up.
 */
@Injectable()
export class DeliveriesService {
  constructor(
    private readonly store: DeliveryStore,
    private readonly references: ReferenceCheck,
    private readonly confirmations: DeliveryConfirmations,
    private readonly board: DeliveryBoard,
    private readonly audit: AuditTrail,
    private readonly collisions: CollisionStore,
    private readonly unitOfWork: UnitOfWork,
    private readonly tripTracker: TripTracker,
    private readonly sla: SlaEvaluations,
  ) {}

  /**
   * Creates the delivery of a 1C document. The same document again with the same content is the same delivery
   * (`created: false`); with other content it is a 409 pointing at the update.
   */
  async create(sent: DeliveryContent, principal: Principal): Promise<{ delivery: Delivery; created: boolean }> {
    const content = canonicalContent(sent);
    await this.validate(content);
    return this.unitOfWork.run(() => this.createValidated(content, principal));
  }

  private async createValidated(
    content: DeliveryContent,
    principal: Principal,
  ): Promise<{ delivery: Delivery; created: boolean }> {
    const existing = await this.store.byDocument(content.document.onecId);
    if (existing) {
      return this.sameDocument(existing, content);
    }
    const now = new Date();
    const delivery: Delivery = {
      ...content,
      id: randomUUID(),
      status: initialStatus(content),
      outcome: null,
      onecAcknowledgement: null,
      confirmationSentAt: null,
      confirmationsSent: 0,
      tripId: null,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    if ((await this.store.insert(delivery)) === 'document_taken') {
      // A concurrent create of the same document won; its row is committed by now.
      return this.sameDocument((await this.store.byDocument(content.document.onecId))!, content);
    }
    await this.record(delivery, 'created', this.who(principal), null);
    await this.board.show(delivery, { content: true });
    return { delivery, created: true };
  }

  /**
   * An order of a trip 1C sends: its delivery created, or changed as `update` changes it (a collision once
   * dispatched). The content is canonical and checked already (`problems`), in the trip's transaction.
   */
  async placeForTrip(content: DeliveryContent, principal: Principal): Promise<PlacedDelivery> {
    const existing = await this.store.byDocument(content.document.onecId);
    if (!existing) {
      const { delivery, created } = await this.createValidated(content, principal);
      return { delivery, change: created ? 'created' : 'unchanged' };
    }
    const current = (await this.store.byId(existing.id, { lock: true }))!;
    if (sameContent(current, content)) {
      return { delivery: current, change: 'unchanged' };
    }
    const result = await this.updateValidated(current, content, principal);
    return 'collision' in result
      ? { delivery: current, change: 'collision', collisionId: result.collision.id }
      : { delivery: result.delivery, change: 'updated' };
  }

  /**
   * 1C's change of a delivery. Before dispatch it applies (the same content again changes nothing); once the courier
   * set out it is kept as a collision for the back office, and the delivery stays as it is until one is chosen.
   */
  async update(
    id: string,
    sent: DeliveryContent,
    principal: Principal,
  ): Promise<{ readonly delivery: Delivery } | { readonly collision: Collision }> {
    const content = canonicalContent(sent);
    return this.unitOfWork.run(async () => {
      const current = await this.load(id, principal, { lock: true });
      await this.validate(content);
      if (current.document.onecId !== content.document.onecId) {
        throw DeliveryErrors.invalid([
          { path: 'document.onecId', message: `delivery ${id} is for 1C document ${current.document.onecId}` },
        ]);
      }
      return this.updateValidated(current, content, principal);
    });
  }

  private async updateValidated(
    current: Delivery,
    content: DeliveryContent,
    principal: Principal,
  ): Promise<{ readonly delivery: Delivery } | { readonly collision: Collision }> {
    if (sameContent(current, content)) {
      return { delivery: current };
    }
    if (isDispatched(current.status)) {
      return {
        collision: await this.raise(current, 'content', contentSnapshot(content), '1c', contentSnapshot(current)),
      };
    }
    if (current.status === 'accepted' && content.courierId !== current.courierId) {
      throw DeliveryErrors.illegalTransition(current.status, 'its courier accepted it; cancel it and send it anew');
    }
    const status = current.status === 'new' ? initialStatus(content) : current.status;
    const next: Delivery = { ...current, ...content, status, version: current.version + 1, updatedAt: new Date() };
    await this.store.update(next, current);
    await this.record(next, 'updated', this.who(principal), current);
    await this.board.show(next, { content: true });
    return { delivery: next };
  }

  /**
   * Applies an operator's resolution of a collision over a delivery, and tells both sides: Bitrix24 through the board,
   * 1C through a resolution event. Content: 1C's content, the held one, or the held one with the edited fields
   * (address, contact, window, comment). Status (a refused Bitrix24 move): the held status shown again, or a status
   * the operator sets, as an admin correction with the resolution's comment as its reason.
   */
  async applyResolution(collision: Collision, resolution: NonNullable<Collision['resolution']>): Promise<void> {
    const operator: Principal = { subject: resolution.resolvedBy, roles: ['admin'] };
    const current = await this.load(collision.entityId, operator, { lock: true });
    let next = current;
    if (collision.field === 'content') {
      if (resolution.decision !== 'accept_middleware') {
        const chosen =
          resolution.decision === 'accept_1c'
            ? contentFromSnapshot(collision.proposed as Record<string, unknown>)
            : this.edited(current, resolution.value);
        next = { ...current, ...chosen, version: current.version + 1, updatedAt: new Date() };
        await this.store.update(next, current);
        await this.record(next, 'updated', this.who(operator), current, {
          collisionId: collision.id,
          decision: resolution.decision,
        });
      }
      await this.board.show(next, { content: true });
    } else if (collision.field === 'status') {
      if (resolution.decision === 'accept_1c') {
        throw DeliveryErrors.resolutionRefused('1C proposed nothing here: the change came from Bitrix24');
      }
      if (resolution.decision === 'edit') {
        const value = (resolution.value ?? {}) as {
          status?: unknown;
          cashCollected?: unknown;
          failureReason?: unknown;
        };
        if (typeof value.status !== 'string' || !(DELIVERY_STATUSES as readonly string[]).includes(value.status)) {
          throw DeliveryErrors.resolutionRefused('value.status must be a delivery status');
        }
        next = await this.transition(current.id, operator, {
          status: value.status as DeliveryStatus,
          occurredAt: new Date(),
          cashCollected: typeof value.cashCollected === 'string' ? value.cashCollected : undefined,
          failureReason: typeof value.failureReason === 'string' ? (value.failureReason as FailureReason) : undefined,
          correctionReason: resolution.comment,
          comment: resolution.comment,
        });
      } else {
        await this.board.show(current);
      }
    } else {
      throw DeliveryErrors.resolutionRefused(`deliveries have no collisions over ${collision.field}`);
    }
    await this.confirmations.collisionResolved(next, {
      collisionId: collision.id,
      field: collision.field,
      decision: resolution.decision,
      value: collision.field === 'content' ? contentSnapshot(next) : { status: next.status },
    });
  }

  private edited(current: Delivery, value: unknown): DeliveryContent {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw DeliveryErrors.resolutionRefused(`value must be an object of ${EDITABLE_FIELDS.join(', ')}`);
    }
    const entries = Object.entries(value as Record<string, unknown>);
    const stranger = entries.find(([key]) => !(EDITABLE_FIELDS as readonly string[]).includes(key));
    if (stranger) {
      throw DeliveryErrors.resolutionRefused(`${stranger[0]} cannot be edited; only ${EDITABLE_FIELDS.join(', ')}`);
    }
    const text = (key: string, raw: unknown) => {
      if (raw !== null && typeof raw !== 'string') {
        throw DeliveryErrors.resolutionRefused(`${key} must be a string or null`);
      }
      return raw;
    };
    const edits: Record<string, unknown> = {};
    for (const [key, raw] of entries) {
      const checked = text(key, raw);
      const isWindow = key === 'windowFrom' || key === 'windowTo';
      if (isWindow && typeof checked === 'string' && !isTimestamp(checked)) {
        throw DeliveryErrors.resolutionRefused(`${key} must be an RFC 3339 time with an offset`);
      }
      edits[key] = isWindow && typeof checked === 'string' ? new Date(checked) : checked;
    }
    return { ...current, ...edits };
  }

  /**
   * Sends the confirmations 1C has not acknowledged once more, each when its time comes (the first re-send after
   * `confirmationResendMs`, each next one twice as late, at most a day apart); one transaction per batch, rows a
   * concurrent run holds are skipped. Returns how many were sent.
   */
  async resendUnacknowledged(settings: { baseMs: number; capMs: number; batch: number }): Promise<number> {
    return this.unitOfWork.run(async () => {
      const due = await this.store.dueForResend(settings.baseMs, settings.capMs, settings.batch);
      for (const delivery of due) {
        await this.confirmations.outcomeReported(delivery);
        await this.store.markConfirmationSent(delivery.id);
      }
      return due.length;
    });
  }

  unacknowledgedCounts(overdueBefore: Date): Promise<{ readonly all: number; readonly overdue: number }> {
    return this.unitOfWork.run(() => this.store.unacknowledgedCounts(overdueBefore));
  }

  private raise(
    delivery: Delivery,
    field: string,
    proposed: unknown,
    proposedBy: '1c' | 'bitrix24',
    held: unknown,
  ): Promise<Collision> {
    return this.collisions.record({
      domain: 'deliveries',
      entityType: 'delivery',
      entityId: delivery.id,
      field,
      proposed,
      proposedBy,
      held,
    });
  }

  cancel(id: string, principal: Principal): Promise<Delivery> {
    return this.transition(id, principal, { status: 'cancelled' });
  }

  /** A courier's (or an admin's) status change; an outcome is checked against the shipment and confirmed to 1C. */
  changeStatus(id: string, change: StatusChange, principal: Principal): Promise<Delivery> {
    return this.transition(id, principal, change);
  }

  /** 1C took the outcome: the delivery is closed. A repeat answers the closed delivery. */
  acknowledge(id: string, acknowledgement: Acknowledgement, principal: Principal): Promise<Delivery> {
    return this.transition(id, principal, { status: 'closed', acknowledgement });
  }

  get(id: string, principal: Principal): Promise<Delivery> {
    return this.unitOfWork.run(() => this.load(id, principal));
  }

  async history(id: string, principal: Principal) {
    return this.unitOfWork.run(async () => {
      await this.load(id, principal);
      return this.audit.history('deliveries', 'delivery', id);
    });
  }

  /** A courier lists its own deliveries only, whatever courier filter it sends. */
  list(query: DeliveryListQuery, principal: Principal): Promise<Delivery[]> {
    const courierId = courierScope(principal, query.courierId);
    return courierId === null
      ? Promise.resolve([])
      : this.unitOfWork.run(() => this.store.list({ ...query, courierId }));
  }

  /**
   * A courier's move of the item's stage in Bitrix24. A legal move applies as the REST door's would. An illegal
   * one, a stage we do not map, a deleted item, or quantities that do not fit the shipment are undone on the board
   * (the middleware's stage wins) and recorded; cash other than the delivered goods call for is taken as reported
   * and recorded as a deviation, since the money is in the courier's hands either way.
   */
  async applyPortalChange(id: string, change: PortalChange): Promise<PortalOutcome> {
    return this.unitOfWork.run(async () => {
      const current = await this.store.byId(id, { lock: true });
      if (!current) {
        return 'unknown';
      }
      const portal: Who = { actor: 'bitrix24', subject: `bitrix24:${change.bitrixId}` };
      const refuse = async (reason: string, details: Record<string, unknown> = {}): Promise<PortalOutcome> => {
        const collision = await this.raise(
          current,
          'status',
          { status: change.status ?? null, deleted: change.deleted, cashCollected: change.cashCollected ?? null },
          'bitrix24',
          { status: current.status },
        );
        await this.record(current, 'portal_change_refused', portal, current, {
          reason,
          asked: change.status ?? null,
          collisionId: collision.id,
          ...details,
        });
        await this.board.show(current);
        return 'reverted';
      };
      if (change.deleted) {
        return refuse('the item was deleted in Bitrix24');
      }
      if (change.status === undefined) {
        return refuse('the item was moved to a stage the mapping does not map');
      }
      if (change.status === current.status) {
        return 'unchanged';
      }
      const decision = decideTransition(current.status, change.status, 'bitrix24');
      if (decision.kind === 'illegal' || decision.kind === 'forbidden') {
        return refuse(decision.reason);
      }
      let outcome = current.outcome;
      let deviation: Record<string, unknown> | undefined;
      if (isOutcome(change.status)) {
        const failureReason = (FAILURE_REASONS as readonly string[]).includes(change.failureReason ?? '')
          ? (change.failureReason as FailureReason)
          : undefined;
        const { violations, figures } = checkOutcome(current.items, current, {
          outcome: change.status,
          cashCollected: change.cashCollected ?? '0',
          failureReason,
        });
        const cashOnly = violations.every((v) => v.path === 'cashCollected' && v.code === 'AMOUNT_MISMATCH');
        if (!figures || !cashOnly) {
          return refuse('the outcome does not fit the delivery', { violations });
        }
        if (violations.length > 0) {
          deviation = { cashExpected: figures.expectedCash, cashReported: figures.cashCollected };
        }
        outcome = this.outcomeFrom(current, change.status, figures, {
          occurredAt: change.occurredAt,
          failureReason,
          comment: change.comment,
          geo: null,
          courierId: current.courierId,
        });
      }
      await this.commit(current, { ...current, status: change.status, outcome }, portal, false, {
        ...(deviation ? { deviation } : {}),
      });
      return deviation ? 'applied_with_deviation' : 'applied';
    });
  }

  private async transition(
    id: string,
    principal: Principal,
    change: Partial<StatusChange> & { status: DeliveryStatus; acknowledgement?: Acknowledgement },
  ): Promise<Delivery> {
    return this.unitOfWork.run(async () => {
      const current = await this.load(id, principal, { lock: true });
      const who = this.who(principal);
      const decision = decideTransition(current.status, change.status, who.actor, change.correctionReason);
      switch (decision.kind) {
        case 'unchanged':
          return current;
        case 'illegal':
          throw DeliveryErrors.illegalTransition(current.status, decision.reason);
        case 'forbidden':
          throw DeliveryErrors.forbiddenTransition(decision.reason);
        case 'apply':
          break;
      }
      return this.commit(
        current,
        {
          ...current,
          status: change.status,
          outcome: isOutcome(change.status) ? this.outcomeOf(current, change, principal) : current.outcome,
          onecAcknowledgement: change.acknowledgement
            ? { ...change.acknowledgement, acknowledgedAt: new Date().toISOString() }
            : current.onecAcknowledgement,
        },
        who,
        decision.correction,
        {
          ...(change.correctionReason ? { correctionReason: change.correctionReason } : {}),
          ...(change.comment ? { comment: change.comment } : {}),
          ...(change.occurredAt ? { occurredAt: change.occurredAt.toISOString() } : {}),
        },
      );
    });
  }

  /** Writes a status change with its audit entry, shows it on the board and, for an outcome, confirms it to 1C. */
  private async commit(
    current: Delivery,
    changed: Delivery,
    who: Who,
    correction: boolean,
    details: Record<string, unknown>,
  ): Promise<Delivery> {
    const now = new Date();
    const confirming = isOutcome(changed.status);
    const next: Delivery = {
      ...changed,
      // A new outcome (or a corrected one) starts its own count of confirmations.
      ...(confirming ? { confirmationSentAt: now, confirmationsSent: 1 } : {}),
      version: current.version + 1,
      updatedAt: now,
    };
    await this.store.update(next, current);
    await this.record(next, correction ? 'corrected' : 'status_changed', who, current, details);
    // A move made on the board is on the board: writing the stage again would undo a move the courier made since.
    await this.board.show(next, { stage: who.actor !== 'bitrix24' });
    if (confirming) {
      await this.confirmations.outcomeReported(next);
    }
    if (isOutcome(current.status) && !isOutcome(next.status)) {
      // 1C's acknowledgement (or a correction) ends the wait: a deviation over it resolves now, not at the next run.
      await this.sla.request(['confirmation_not_acknowledged']);
    }
    if (next.tripId !== null) {
      await this.tripTracker.follow(next.tripId, current);
    }
    return next;
  }

  private outcomeOf(
    delivery: Delivery,
    change: Partial<StatusChange> & { status: DeliveryStatus },
    principal: Principal,
  ): NonNullable<Delivery['outcome']> {
    const status = change.status as NonNullable<Delivery['outcome']>['status'];
    const { violations, figures } = checkOutcome(delivery.items, delivery, {
      outcome: status,
      delivered: change.delivered,
      cashCollected: change.cashCollected ?? '0',
      failureReason: change.failureReason,
    });
    if (!figures || violations.length > 0) {
      throw DeliveryErrors.invalidOutcome(fieldErrors(violations));
    }
    return this.outcomeFrom(delivery, status, figures, {
      occurredAt: change.occurredAt,
      failureReason: change.failureReason,
      comment: change.comment ?? undefined,
      geo: change.geo ?? null,
      courierId: principal.courierId ?? delivery.courierId,
    });
  }

  private outcomeFrom(
    delivery: Delivery,
    status: NonNullable<Delivery['outcome']>['status'],
    figures: OutcomeFigures,
    proof: {
      occurredAt?: Date;
      failureReason?: FailureReason;
      comment?: string;
      geo: NonNullable<Delivery['outcome']>['geo'];
      courierId: string | null;
    },
  ): NonNullable<Delivery['outcome']> {
    return {
      status,
      occurredAt: (proof.occurredAt ?? new Date()).toISOString(),
      delivered: figures.delivered,
      deliveredAmount: figures.deliveredAmount,
      cashCollected: figures.cashCollected,
      failureReason: proof.failureReason ?? null,
      comment: proof.comment ?? null,
      geo: proof.geo,
      courierId: proof.courierId ?? delivery.courierId,
    };
  }

  /** Another courier's delivery does not exist for this courier: 404, never 403. */
  private async load(id: string, principal: Principal, options: { lock?: boolean } = {}): Promise<Delivery> {
    const delivery = await this.store.byId(id, options);
    if (!delivery || (actorOf(principal) === 'courier' && delivery.courierId !== principal.courierId)) {
      throw DeliveryErrors.notFound(id);
    }
    return delivery;
  }

  private sameDocument(existing: Delivery, content: DeliveryContent): { delivery: Delivery; created: boolean } {
    if (!sameContent(existing, content)) {
      throw DeliveryErrors.documentTaken(existing.id);
    }
    return { delivery: existing, created: false };
  }

  /** The shipment's arithmetic and every master-data reference, all broken rules at once. */
  private async validate(content: DeliveryContent): Promise<void> {
    const errors = await this.problems(content);
    if (errors.length > 0) {
      throw DeliveryErrors.invalid(errors);
    }
  }

  /** Every rule a delivery's content breaks (paths within the content), none when it may be stored. */
  async problems(content: DeliveryContent): Promise<FieldError[]> {
    const errors = fieldErrors(checkShipment(content.items, content));
    const references: DeliveryReference[] = [
      { kind: 'counterparties', onecId: content.counterpartyId, path: 'counterpartyId' },
      { kind: 'warehouses', onecId: content.warehouseId, path: 'warehouseId' },
      ...(content.courierId === null
        ? []
        : [{ kind: 'couriers' as const, onecId: content.courierId, path: 'courierId' }]),
      ...content.items.map((item, index) => ({
        kind: 'products' as const,
        onecId: item.characteristicId === null ? item.productId : `${item.productId}#${item.characteristicId}`,
        path: `items.${index}.${item.characteristicId === null ? 'productId' : 'characteristicId'}`,
      })),
    ];
    for (const reference of await this.references.unusable(references)) {
      errors.push({ path: reference.path, message: unusableMessage(reference) });
    }
    return errors;
  }

  private who(principal: Principal): Who {
    return { actor: actorOf(principal), subject: principal.subject };
  }

  private async record(
    delivery: Delivery,
    action: string,
    who: Who,
    before: Delivery | null,
    details: Record<string, unknown> = {},
  ): Promise<void> {
    await this.audit.record({
      domain: 'deliveries',
      entityType: 'delivery',
      entityId: delivery.id,
      action,
      source: SOURCE_OF[who.actor],
      actor: who.subject,
      actorRole: who.actor,
      before: before ? auditState(before) : null,
      after: auditState(delivery),
      details,
    });
  }
}
