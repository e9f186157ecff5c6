import { ExactDecimal, MONEY_SCALE, UnitOfWork } from '@app/core';
import { type Breach, elapsed, type ProbeContext, SlaProbe, type SlaRuleId, thresholdCutoff } from '@app/sla';
import { Injectable } from '@nestjs/common';
import { CourierProfiles } from '../application/ports/courier-profiles.port';
import { cashDocumentNumber } from './cash-document.mapper';

/**
 * The cash probes read the cash documents' own tables, in the monitor's transaction or one of their own.
 * Injectable itself so its constructor's parameter types are recorded for the probes that inherit it.
 */
@Injectable()
abstract class CashProbe extends SlaProbe {
  constructor(
    protected readonly unitOfWork: UnitOfWork,
    private readonly couriers: CourierProfiles,
  ) {
    super();
  }

  protected query<T>(sql: string, params: unknown[]): Promise<T[]> {
    return this.unitOfWork.run((manager) => manager.query<T[]>(sql, params));
  }

  /** The courier's name as people know it (master data's); its id where the mirror no longer holds it. */
  protected async names(courierIds: readonly string[]): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    for (const id of new Set(courierIds)) {
      names.set(id, (await this.couriers.profile(id))?.name ?? id);
    }
    return names;
  }
}

/** Customers' cash a courier still holds N hours after it took it: one breach per courier, since its oldest. */
@Injectable()
export class CashNotHandedOverProbe extends CashProbe {
  readonly rule: SlaRuleId = 'cash_not_handed_over';

  async breaches({ now, threshold }: ProbeContext): Promise<Breach[]> {
    const rows = await this.query<{ courier_id: string; since: Date; amount: string }>(
      `SELECT courier_id, min(collected_at) AS since, sum(amount)::text AS amount
         FROM cash_collections
        WHERE settled_at IS NULL AND amount <> 0
        GROUP BY courier_id
       HAVING min(collected_at) <= $1`,
      [thresholdCutoff(now, threshold, 'hours')],
    );
    const names = await this.names(rows.map((row) => row.courier_id));
    return rows.map((row) => ({
      subject: `courier:${row.courier_id}`,
      label: names.get(row.courier_id)!,
      courierId: row.courier_id,
      value: elapsed(new Date(row.since), now, 'hours'),
      since: new Date(row.since),
      link: `/api/v1/couriers/${encodeURIComponent(row.courier_id)}/cash`,
    }));
  }
}

/** Documents 1C has had for M minutes without posting or rejecting them. */
@Injectable()
export class DocumentNotPostedProbe extends CashProbe {
  readonly rule: SlaRuleId = 'document_not_posted';

  async breaches({ now, threshold }: ProbeContext): Promise<Breach[]> {
    const rows = await this.query<{ id: string; number_seq: string; courier_id: string; sent_at: Date }>(
      `SELECT id, number_seq, courier_id, sent_at FROM cash_documents
        WHERE status = 'sent_to_1c' AND sent_at <= $1`,
      [thresholdCutoff(now, threshold, 'minutes')],
    );
    return rows.map((row) => ({
      subject: `cash_document:${row.id}`,
      label: cashDocumentNumber(String(row.number_seq)),
      courierId: row.courier_id,
      value: elapsed(new Date(row.sent_at), now, 'minutes'),
      since: new Date(row.sent_at),
      link: `/api/v1/cash-documents/${row.id}`,
    }));
  }
}

/** Advances posted D days ago that reports and returned rests have not closed yet. */
@Injectable()
export class AdvanceNotReportedProbe extends CashProbe {
  readonly rule: SlaRuleId = 'advance_not_reported';

  async breaches({ now, threshold }: ProbeContext): Promise<Breach[]> {
    const rows = await this.query<{ id: string; number_seq: string; courier_id: string; posted_at: string }>(
      `SELECT a.id, a.number_seq, a.courier_id, a.onec->>'postedAt' AS posted_at
         FROM cash_documents a
        WHERE a.operation = 'advance_issue' AND a.status = 'posted'
          AND (a.onec->>'postedAt')::timestamptz <= $1
          AND a.posted_amount > COALESCE((SELECT sum(COALESCE(c.posted_amount, c.amount)) FROM cash_documents c
                                           WHERE c.advance_id = a.id AND c.status <> 'cancelled'), 0)`,
      [thresholdCutoff(now, threshold, 'days')],
    );
    return rows.map((row) => ({
      subject: `cash_document:${row.id}`,
      label: cashDocumentNumber(String(row.number_seq)),
      courierId: row.courier_id,
      value: elapsed(new Date(row.posted_at), now, 'days'),
      since: new Date(row.posted_at),
      link: `/api/v1/cash-documents/${row.id}`,
    }));
  }
}

/**
 * Couriers holding more cash than the limit. Since: the entry that took the running balance over the limit the last
 * time, so the breach keeps one start however long it lasts.
 */
@Injectable()
export class CashOnHandOverLimitProbe extends CashProbe {
  readonly rule: SlaRuleId = 'cash_on_hand_over_limit';

  async breaches({ threshold }: ProbeContext): Promise<Breach[]> {
    const rows = await this.query<{ courier_id: string; balance: string; since: Date }>(
      `WITH running AS (
         SELECT courier_id, seq, recorded_at,
                sum(amount) OVER (PARTITION BY courier_id ORDER BY seq) AS balance
           FROM cash_ledger_entries WHERE account = 'cash_on_hand'),
       latest AS (SELECT DISTINCT ON (courier_id) courier_id, balance FROM running ORDER BY courier_id, seq DESC),
       last_within AS (SELECT courier_id, max(seq) AS seq FROM running WHERE balance <= $1 GROUP BY courier_id)
       SELECT l.courier_id, l.balance::numeric(15,2)::text AS balance,
              (SELECT min(r.recorded_at) FROM running r
                WHERE r.courier_id = l.courier_id AND r.seq > COALESCE(w.seq, 0)) AS since
         FROM latest l LEFT JOIN last_within w USING (courier_id)
        WHERE l.balance > $1`,
      [threshold],
    );
    const names = await this.names(rows.map((row) => row.courier_id));
    return rows.map((row) => ({
      subject: `courier:${row.courier_id}`,
      label: names.get(row.courier_id)!,
      courierId: row.courier_id,
      value: row.balance,
      since: new Date(row.since),
      link: `/api/v1/couriers/${encodeURIComponent(row.courier_id)}/cash`,
    }));
  }
}

/**
 * Sales whose cash differs from what their delivered goods called for by more than the tolerance. The difference is
 * a fact that stays: an operator resolves it (with a comment) once it is explained.
 */
@Injectable()
export class CodMismatchProbe extends CashProbe {
  readonly rule: SlaRuleId = 'cod_mismatch';

  async breaches({ threshold }: ProbeContext): Promise<Breach[]> {
    const rows = await this.query<{
      type: string;
      id: string;
      number: string;
      courier_id: string;
      difference: string;
      collected_at: Date;
    }>(
      `SELECT type, id, number, courier_id, (amount - expected)::text AS difference, collected_at
         FROM cash_collections WHERE amount <> expected AND abs(amount - expected) > $1`,
      [threshold],
    );
    return rows.map((row) => ({
      subject: `${row.type}:${row.id}`,
      label: row.number,
      courierId: row.courier_id,
      value: ExactDecimal.parse(row.difference, MONEY_SCALE).toString(),
      since: new Date(row.collected_at),
      link: `/api/v1/${row.type === 'delivery' ? 'deliveries' : 'instant-orders'}/${row.id}`,
    }));
  }
}

/** Documents 1C posted for another amount than the one submitted (the ledger follows 1C's). */
@Injectable()
export class PostedAmountMismatchProbe extends CashProbe {
  readonly rule: SlaRuleId = 'posted_amount_mismatch';

  async breaches({ threshold }: ProbeContext): Promise<Breach[]> {
    const rows = await this.query<{
      id: string;
      number_seq: string;
      courier_id: string;
      difference: string;
      posted_at: string;
    }>(
      `SELECT id, number_seq, courier_id, (posted_amount - amount)::text AS difference, onec->>'postedAt' AS posted_at
         FROM cash_documents
        WHERE status = 'posted' AND posted_amount <> amount AND abs(posted_amount - amount) > $1`,
      [threshold],
    );
    return rows.map((row) => ({
      subject: `cash_document:${row.id}`,
      label: cashDocumentNumber(String(row.number_seq)),
      courierId: row.courier_id,
      value: ExactDecimal.parse(row.difference, MONEY_SCALE).toString(),
      since: new Date(row.posted_at),
      link: `/api/v1/cash-documents/${row.id}`,
    }));
  }
}

export const CashSlaProbes = [
  CashNotHandedOverProbe,
  DocumentNotPostedProbe,
  AdvanceNotReportedProbe,
  CashOnHandOverLimitProbe,
  CodMismatchProbe,
  PostedAmountMismatchProbe,
];
