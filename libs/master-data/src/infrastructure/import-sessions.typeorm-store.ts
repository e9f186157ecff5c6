import { UnitOfWork } from '@app/core';
import { Injectable } from '@nestjs/common';
import { type DeactivationScope, ImportSessions } from '../application/ports/import-sessions.port';

@Injectable()
export class TypeormImportSessions extends ImportSessions {
  constructor(private readonly unitOfWork: UnitOfWork) {
    super();
  }

  async versionSeqOf(exchangeSessionId: string): Promise<bigint> {
    // The first batch fixes it; a resumed import (another replica, after a restart) reads the same value back.
    const rows: { version_seq: string }[] = await this.unitOfWork.manager.query(
      `WITH inserted AS (
         INSERT INTO md_import_sessions (exchange_session_id, version_seq)
         VALUES ($1, (extract(epoch FROM clock_timestamp()) * 1000)::bigint)
         ON CONFLICT DO NOTHING RETURNING version_seq)
       SELECT version_seq FROM inserted
       UNION ALL SELECT version_seq FROM md_import_sessions WHERE exchange_session_id = $1
       LIMIT 1`,
      [exchangeSessionId],
    );
    return BigInt(rows[0].version_seq);
  }

  async addFullScopes(exchangeSessionId: string, scopes: readonly DeactivationScope[]): Promise<void> {
    if (scopes.length === 0) {
      return;
    }
    await this.versionSeqOf(exchangeSessionId);
    await this.unitOfWork.manager.query(
      `UPDATE md_import_sessions
          SET full_kinds = (SELECT to_jsonb(array_agg(DISTINCT scope ORDER BY scope))
                              FROM (SELECT jsonb_array_elements_text(full_kinds) AS scope
                                    UNION SELECT unnest($2::text[])) scopes)
        WHERE exchange_session_id = $1`,
      [exchangeSessionId, [...scopes]],
    );
  }

  async finish(exchangeSessionId: string): Promise<readonly DeactivationScope[] | undefined> {
    // TypeORM answers an UPDATE with [rows, count].
    const [rows] = await this.unitOfWork.manager.query<[{ full_kinds: DeactivationScope[] }[], number]>(
      `UPDATE md_import_sessions SET finished = true
        WHERE exchange_session_id = $1 AND NOT finished RETURNING full_kinds`,
      [exchangeSessionId],
    );
    return rows[0]?.full_kinds;
  }
}
