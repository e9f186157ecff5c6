import { AppConfig } from '@app/core';
import { Injectable, Logger } from '@nestjs/common';
import type { BatchCommand, CommandResult } from '../client/batch-result';
import { Bitrix24Client, MAX_BATCH_COMMANDS } from '../client/bitrix24-client';
import { Bitrix24Error } from '../client/bitrix24-error';
import { sleep } from '../client/rate-limiter';
import { idOf, type EntityCodec, type RemoteEntity } from '../mapping/entity-codec';
import type { Bitrix24Representation } from '../ports/entity-kind.port';
import type { UpsertRequest, UpsertResult } from '../ports/upsert.port';
import { asCodedError, EntityCodecs, WRITTEN_REPRESENTATIONS } from './entity-codecs';
import { EntityLinkRepository, isOurs, type WriteOutcome } from './entity-link.repository';

interface Pending {
  readonly request: UpsertRequest;
  readonly codec: EntityCodec;
  resolve(result: UpsertResult): void;
  reject(error: unknown): void;
}

interface Planned {
  readonly pending: Pending;
  readonly bitrixId?: string;
  /** An item made in the portal that this write makes ours ({@link UpsertRequest.adoptBitrixId}). */
  readonly adopting?: boolean;
  /** The entity as the portal holds it, read before an update that needs it (multi-field value ids). */
  readonly existing?: RemoteEntity;
  /**
   * An earlier, unanswered create of this request landed: the item got our stage then, so whatever stage it shows
   * now is ours or a move made in the portal since, which writing the stage again would undo.
   */
  readonly landed?: boolean;
}

/** Whether a write leaves the item's stage as it is (the request has none, or an earlier attempt set it). */
const leavesStage = (plan: Planned) => plan.pending.request.status === undefined || plan.landed === true;

/**
 * Turns single upserts into `batch` calls of up to 50 commands while keeping every caller's own result and error.
 * A runner first waits for a slot of the shared bucket and only then takes what has queued up, so batches are
 * full whenever there is a backlog: throughput approaches 50 × the portal's drain rate.
 *
 * No duplicates: a create is announced in the mirror (`creating`) before it is sent. If its answer is lost (timeout,
 * reset, 5xx, crash), the entity stays `creating`, and the next attempt looks it up by external id before deciding
 * between create and update. A refused create is marked `absent`; an update is always safe to repeat.
 *
 * Updates that change multi-fields (phones, e-mails) first read the entities, one list command per kind for the
 * whole batch: their values are changed and deleted by id, never sent again without one (which would append them).
 */
@Injectable()
export class UpsertBatcher {
  private readonly logger = new Logger(UpsertBatcher.name);
  private readonly queue: Pending[] = [];
  private running = 0;
  /** Entities a runner is writing now; see takeDistinct. */
  private readonly writing = new Set<string>();

  constructor(
    private readonly config: AppConfig,
    private readonly client: Bitrix24Client,
    private readonly links: EntityLinkRepository,
    private readonly codecs: EntityCodecs,
  ) {}

  /** Settles with the write's result or a coded error; `representations` are the kinds the caller may write. */
  submit(
    request: UpsertRequest,
    representations: readonly Bitrix24Representation[] = WRITTEN_REPRESENTATIONS,
  ): Promise<UpsertResult> {
    let codec: EntityCodec;
    try {
      codec = this.codecs.forKind(request.kind, representations);
      codec.fields(request, true);
      if (request.adoptBitrixId !== undefined && !/^[1-9]\d{0,19}$/.test(request.adoptBitrixId)) {
        throw new Bitrix24Error('permanent', 'BITRIX24_INVALID_REQUEST', 'adoptBitrixId must be a Bitrix24 id', {
          outcome: 'not_sent',
        });
      }
    } catch (error) {
      return Promise.reject(asCodedError(error));
    }
    return new Promise<UpsertResult>((resolve, reject) => {
      this.queue.push({ request, codec, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (
      this.running < this.config.bitrix24.batch.maxInFlight &&
      this.queue.some((pending) => !this.writing.has(keyOf(pending.request)))
    ) {
      this.running += 1;
      void this.runOnce()
        .catch((error: unknown) => this.logger.error(`Batch runner failed: ${String(error)}`))
        .finally(() => {
          this.running -= 1;
          this.pump();
        });
    }
  }

  private async runOnce(): Promise<void> {
    const started = Date.now();
    if (this.client.circuitOpen) {
      // The call would be refused without reaching the portal: do not spend a slot of the shared bucket on it.
      this.failAll(this.queue.splice(0, MAX_BATCH_COMMANDS), this.client.circuitOpenError());
      return;
    }
    try {
      await this.client.acquireSlot();
    } catch (error) {
      // Redis is down: nothing can be sent safely; let the jobs retry later.
      this.failAll(this.queue.splice(0, MAX_BATCH_COMMANDS), error);
      return;
    }
    const waitedMs = Date.now() - started;
    if (waitedMs < this.config.bitrix24.batch.lingerMs && this.queue.length < MAX_BATCH_COMMANDS) {
      // The slot came at once: give concurrent callers a moment to join this batch.
      await sleep(this.config.bitrix24.batch.lingerMs);
    }
    const taken = this.takeDistinct();
    if (taken.length === 0) {
      return;
    }
    try {
      await this.process(taken);
    } catch (error) {
      // The mirror could not be read or written: nothing may be sent blind, and every caller must hear back.
      this.failAll(taken, error);
    } finally {
      taken.forEach((pending) => this.writing.delete(keyOf(pending.request)));
    }
  }

  /**
   * One write per entity at a time: a second request for an entity waits until the write in flight settles, in
   * this batch or another runner's. Two runners could otherwise both find no link and create the entity twice.
   */
  private takeDistinct(): Pending[] {
    const taken: Pending[] = [];
    for (let index = 0; index < this.queue.length && taken.length < MAX_BATCH_COMMANDS;) {
      const pending = this.queue[index];
      const key = keyOf(pending.request);
      if (this.writing.has(key)) {
        index += 1;
        continue;
      }
      this.writing.add(key);
      taken.push(pending);
      this.queue.splice(index, 1);
    }
    return taken;
  }

  private async process(taken: Pending[]): Promise<void> {
    let slotHeld = true;
    let plans: Planned[] = [];
    const inDoubt: Pending[] = [];
    for (const [kind, group] of groupBy(taken, (pending) => pending.request.kind)) {
      const links = await this.links.load(
        kind,
        group.map((pending) => pending.request.externalId),
      );
      const adopted = group.flatMap((pending) => pending.request.adoptBitrixId ?? []);
      const holders = await this.links.holders(kind, adopted);
      for (const pending of group) {
        const link = links.get(pending.request.externalId);
        const adopt = pending.request.adoptBitrixId;
        if (adopt !== undefined) {
          const conflict = adoptConflict(pending.request, link?.state === 'linked' ? link.bitrixId : null, holders);
          if (conflict) {
            this.failAll([pending], conflict);
          } else {
            // Whatever our earlier attempts left (absent, or a create in doubt), this item is the one we mean.
            plans.push({ pending, bitrixId: adopt, adopting: true });
          }
        } else if (link?.state === 'linked' && link.bitrixId) {
          plans.push({ pending, bitrixId: link.bitrixId });
        } else if (link?.state === 'creating') {
          inDoubt.push(pending);
        } else {
          plans.push({ pending });
        }
      }
    }
    if (inDoubt.length > 0) {
      plans.push(...(await this.resolveInDoubt(inDoubt)));
      slotHeld = false;
    }
    const read = await this.readExisting(plans, slotHeld);
    plans = read.plans;
    slotHeld &&= !read.sent;
    if (plans.length > 0) {
      await this.write(plans, slotHeld);
    }
  }

  /**
   * Reads the entities of the updates that need them (see {@link EntityCodec.needsExisting}): one command per kind,
   * all in one batch. An entity the read does not find is written as holding nothing; its update then fails with
   * NOT_FOUND like any update of a deleted entity. The plans whose read failed are settled here.
   */
  private async readExisting(plans: Planned[], slotHeld: boolean): Promise<{ plans: Planned[]; sent: boolean }> {
    // An item to adopt is read too: what it carries of an external id is only known on the portal.
    const needing = plans.filter(
      (plan) =>
        plan.bitrixId !== undefined && (plan.adopting || plan.pending.codec.needsExisting(plan.pending.request.fields)),
    );
    if (needing.length === 0) {
      return { plans, sent: false };
    }
    const commands = new Map<string, BatchCommand>();
    const groups = new Map<string, Planned[]>();
    for (const [kind, group] of groupBy(needing, (plan) => plan.pending.request.kind)) {
      commands.set(`read_${kind}`, group[0].pending.codec.byIds(group.map((plan) => plan.bitrixId!)));
      groups.set(`read_${kind}`, group);
    }
    let results: Map<string, CommandResult>;
    try {
      results = await this.client.batch(commands, { write: false, slotHeld });
    } catch (error) {
      this.failAll(
        needing.map((plan) => plan.pending),
        error,
      );
      return { plans: plans.filter((plan) => !needing.includes(plan)), sent: true };
    }
    const existing = new Map<Planned, RemoteEntity>();
    for (const [name, group] of groups) {
      const outcome = results.get(name)!;
      if (!outcome.ok) {
        this.failAll(
          group.map((plan) => plan.pending),
          outcome.error,
        );
        continue;
      }
      const rows = new Map(group[0].pending.codec.listed(outcome.result).map((row) => [idOf(row.id), row]));
      for (const plan of group) {
        const row = rows.get(plan.bitrixId!);
        const refused = plan.adopting ? adoptRefusal(plan.pending, row) : undefined;
        if (refused) {
          this.failAll([plan.pending], refused);
        } else {
          existing.set(plan, row ?? { fm: [] });
        }
      }
    }
    return {
      plans: plans
        .filter((plan) => !needing.includes(plan) || existing.has(plan))
        .map((plan) => (existing.has(plan) ? { ...plan, existing: existing.get(plan) } : plan)),
      sent: true,
    };
  }

  /** Looks up entities whose earlier create may have landed: found ones become updates, the rest creates. */
  private async resolveInDoubt(inDoubt: Pending[]): Promise<Planned[]> {
    const commands = new Map<string, BatchCommand>();
    const groups = new Map<string, Pending[]>();
    for (const [kind, group] of groupBy(inDoubt, (pending) => pending.request.kind)) {
      const name = `lookup_${kind}`;
      commands.set(name, group[0].codec.lookup(group.map((pending) => pending.request.externalId)));
      groups.set(name, group);
    }
    let results: Map<string, CommandResult>;
    try {
      results = await this.client.batch(commands, { write: false, slotHeld: true });
    } catch (error) {
      this.failAll(inDoubt, error);
      return [];
    }
    const plans: Planned[] = [];
    for (const [name, group] of groups) {
      const outcome = results.get(name)!;
      if (!outcome.ok) {
        this.failAll(group, outcome.error);
        continue;
      }
      const found = group[0].codec.lookupResult(outcome.result);
      const pairs = new Map<string, string>();
      for (const pending of group) {
        const bitrixId = found.get(pending.request.externalId);
        if (bitrixId !== undefined) {
          pairs.set(pending.request.externalId, bitrixId);
        }
        plans.push({ pending, bitrixId, landed: bitrixId !== undefined });
      }
      await this.links.found(group[0].request.kind, pairs);
      if (pairs.size > 0) {
        this.logger.log(`Found ${pairs.size} ${group[0].request.kind} entities created by unanswered attempts`);
      }
    }
    return plans;
  }

  private async write(planned: Planned[], slotHeld: boolean): Promise<void> {
    const commands = new Map<string, BatchCommand>();
    const byName = new Map<string, Planned>();
    const creating = new Map<string, string[]>();
    const updating = new Map<string, string[]>();
    const plans: Planned[] = [];
    planned.forEach((plan, index) => {
      const { request, codec } = plan.pending;
      const name = `c${index}`;
      let fields: Record<string, unknown>;
      try {
        fields = codec.fields(
          plan.landed ? { ...request, status: undefined } : request,
          plan.bitrixId === undefined,
          plan.existing,
        );
      } catch (error) {
        this.failAll([plan.pending], error);
        return;
      }
      commands.set(name, plan.bitrixId === undefined ? codec.create(fields) : codec.update(plan.bitrixId, fields));
      byName.set(name, plan);
      plans.push(plan);
      if (plan.bitrixId === undefined) {
        append(creating, request.kind, request.externalId);
      } else {
        append(updating, request.kind, plan.bitrixId);
      }
    });
    if (plans.length === 0) {
      return;
    }
    try {
      for (const [kind, ids] of creating) {
        await this.links.markCreating(kind, ids);
      }
      for (const [kind, ids] of updating) {
        await this.links.markWriting(kind, ids);
      }
    } catch (error) {
      this.failAll(
        plans.map((plan) => plan.pending),
        error,
      );
      return;
    }
    let results: Map<string, CommandResult>;
    try {
      results = await this.client.batch(commands, { write: true, slotHeld });
    } catch (error) {
      if (!(error instanceof Bitrix24Error) || error.outcome !== 'unknown') {
        // Nothing ran: the creates are known not to have happened.
        for (const [kind, ids] of creating) {
          await this.links.markAbsent(kind, ids).catch(() => undefined);
        }
        for (const [kind, ids] of updating) {
          await this.links.endWriting(kind, ids).catch(() => undefined);
        }
      }
      this.failAll(
        plans.map((plan) => plan.pending),
        error,
      );
      return;
    }
    await this.settle(byName, results);
  }

  private async settle(byName: Map<string, Planned>, results: Map<string, CommandResult>): Promise<void> {
    const writes = new Map<string, WriteOutcome[]>();
    const adopted = new Map<string, string[]>();
    const absent = new Map<string, string[]>();
    const refusedUpdates = new Map<string, string[]>();
    const done: Array<() => void> = [];
    const withRows: Array<{ readonly plan: Planned; readonly bitrixId: string }> = [];
    for (const [name, plan] of byName) {
      const { request, codec } = plan.pending;
      const outcome = results.get(name)!;
      const entity = outcome.ok ? codec.entityOf(outcome.result) : undefined;
      if (!outcome.ok || entity?.id === undefined) {
        const error = outcome.ok
          ? new Bitrix24Error('transient', 'BITRIX24_UNEXPECTED_ANSWER', `${request.kind}: answer without an entity`, {
              outcome: 'unknown',
            })
          : outcome.error;
        // A refused create did not happen; an update of a deleted entity must create it again on replay.
        const refusedCreate = plan.bitrixId === undefined && error.outcome !== 'unknown';
        if (refusedCreate || (plan.bitrixId !== undefined && error.code === 'BITRIX24_NOT_FOUND')) {
          append(absent, request.kind, request.externalId);
        }
        if (plan.bitrixId !== undefined && error.outcome !== 'unknown') {
          append(refusedUpdates, request.kind, plan.bitrixId);
        }
        done.push(() => plan.pending.reject(error));
        continue;
      }
      const bitrixId = idOf(entity.id);
      if (request.productRows !== undefined) {
        withRows.push({ plan, bitrixId });
      }
      if (plan.adopting) {
        append(adopted, request.kind, bitrixId);
      }
      writes.set(request.kind, [
        ...(writes.get(request.kind) ?? []),
        {
          externalId: request.externalId,
          bitrixId,
          remoteUpdatedAt: codec.updatedAt(entity),
          // An update that left the stage alone answers with whatever stage the item has now: possibly a move made
          // in the portal since we last read it. Recorded as ours, the event of that move would be taken for our own
          // write coming back and dropped; recorded without it, the event is read and passed on.
          contentHash: codec.contentHash(
            leavesStage(plan) && plan.bitrixId !== undefined ? { ...entity, stageId: undefined } : entity,
          ),
        },
      ]);
      done.push(() => {
        const rowsFailed = rowFailures.get(plan.pending);
        if (rowsFailed !== undefined) {
          plan.pending.reject(asCodedError(rowsFailed));
          return;
        }
        plan.pending.resolve({
          kind: request.kind,
          externalId: request.externalId,
          bitrixId,
          created: plan.bitrixId === undefined,
        });
      });
    }
    try {
      for (const [kind, outcomes] of writes) {
        await this.links.recordWrites(kind, outcomes, adopted.get(kind));
      }
      for (const [kind, ids] of absent) {
        await this.links.markAbsent(kind, ids);
      }
      for (const [kind, ids] of refusedUpdates) {
        await this.links.endWriting(kind, ids);
      }
    } catch (error) {
      // The portal has the writes; without the mirror rows the next attempt looks them up, so fail and retry.
      this.failAll(
        [...byName.values()].map((plan) => plan.pending),
        error,
      );
      return;
    }
    const rowFailures = await this.writeProductRows(withRows);
    done.forEach((finish) => finish());
  }

  /**
   * The lines of the items just written, in one more batch: the item's id is known only now for a create, and
   * `crm.item.productrow.set` replaces every row, so the retry of a failed one (item and rows again) is harmless.
   * Returns the callers whose rows did not land, with why.
   */
  private async writeProductRows(
    written: ReadonlyArray<{ readonly plan: Planned; readonly bitrixId: string }>,
  ): Promise<Map<Pending, unknown>> {
    const failures = new Map<Pending, unknown>();
    if (written.length === 0) {
      return failures;
    }
    const commands = new Map<string, BatchCommand>();
    written.forEach(({ plan, bitrixId }, index) =>
      commands.set(`r${index}`, plan.pending.codec.productRows(bitrixId, plan.pending.request.productRows!)),
    );
    try {
      const results = await this.client.batch(commands, { write: true, slotHeld: false });
      written.forEach(({ plan }, index) => {
        const outcome = results.get(`r${index}`)!;
        if (!outcome.ok) {
          failures.set(plan.pending, outcome.error);
        }
      });
    } catch (error) {
      written.forEach(({ plan }) => failures.set(plan.pending, error));
    }
    return failures;
  }

  private failAll(pendings: Pending[], error: unknown): void {
    const coded = asCodedError(error);
    for (const pending of pendings) {
      pending.reject(coded);
    }
  }
}

/**
 * Why `request` may not adopt its item, judged by our links: `linkedTo` is the item our external id is linked to;
 * `holders` the keys of the links holding each Bitrix24 id. A link under the item's own key (read, never ours) is
 * what adopting replaces.
 */
export function adoptConflict(
  request: UpsertRequest,
  linkedTo: string | null | undefined,
  holders: ReadonlyMap<string, string>,
): Bitrix24Error | undefined {
  const bitrixId = request.adoptBitrixId!;
  const holder = holders.get(bitrixId);
  if (holder !== undefined && isOurs(holder) && holder !== request.externalId) {
    return adoptError(`${request.kind} ${bitrixId} is already linked to external id ${holder}`, request);
  }
  if (linkedTo && linkedTo !== bitrixId) {
    return adoptError(`external id ${request.externalId} is already linked to ${request.kind} ${linkedTo}`, request);
  }
  return undefined;
}

/** Why the item as the portal holds it (`row`, undefined when it is gone) cannot be adopted, if it cannot. */
function adoptRefusal(pending: Pending, row: RemoteEntity | undefined): Bitrix24Error | undefined {
  const { request, codec } = pending;
  if (row === undefined) {
    return new Bitrix24Error(
      'permanent',
      'BITRIX24_NOT_FOUND',
      `Cannot adopt ${request.kind} ${request.adoptBitrixId}: the portal has no such item`,
      { outcome: 'rejected' },
    );
  }
  const carried = codec.externalIdOf(row);
  return carried !== undefined && carried !== request.externalId
    ? adoptError(`${request.kind} ${request.adoptBitrixId} carries external id ${carried}`, request)
    : undefined;
}

function adoptError(reason: string, request: UpsertRequest): Bitrix24Error {
  return new Bitrix24Error(
    'permanent',
    'BITRIX24_ADOPT_CONFLICT',
    `Cannot adopt ${request.kind} ${request.adoptBitrixId} as ${request.externalId}: ${reason}`,
    { outcome: 'not_sent' },
  );
}

function keyOf(request: UpsertRequest): string {
  return `${request.kind}\u0000${request.externalId}`;
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    groups.set(k, [...(groups.get(k) ?? []), item]);
  }
  return groups;
}

/** Adds `value` to the list `map` holds under `key`. */
function append(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) {
    list.push(value);
  } else {
    map.set(key, [value]);
  }
}
