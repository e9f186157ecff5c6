import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { AppConfig, UnitOfWork } from '@app/core';
import { Injectable } from '@nestjs/common';
import { ExchangeFileEntity, ExchangeFileRole } from './exchange-file.entity';
import {
  ExchangeSessionEntity,
  ExchangeSessionState,
  ExchangeType,
  LIVE_SESSION_STATES,
} from './exchange-session.entity';

export interface NewExchangeSession {
  readonly type: ExchangeType;
  readonly login: string;
  readonly cookieHash: string;
  readonly sessid: string;
  readonly remoteAddress: string | null;
  readonly userAgent: string | null;
}

/** Counters an import step adds to its session, in the transaction that delivers the records. */
export interface SessionCounters {
  readonly recordsImported?: number;
  readonly ordersExported?: number;
}

/** The exchange sessions and their files in PostgreSQL: the state that survives an API restart. */
@Injectable()
export class ExchangeSessionStore {
  /** This process, as the owner of leases. */
  readonly processId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly config: AppConfig,
  ) {}

  private get sessions() {
    return this.unitOfWork.manager.getRepository(ExchangeSessionEntity);
  }

  private get files() {
    return this.unitOfWork.manager.getRepository(ExchangeFileEntity);
  }

  private get ttlSeconds(): number {
    return this.config.onec.exchange.sessionTtlSeconds;
  }

  async create(session: NewExchangeSession): Promise<ExchangeSessionEntity> {
    const id = randomUUID();
    // Expiry in the database's clock, like every later renewal; created_at at JavaScript's precision, because the
    // admin listing's keyset cursor carries it as a JavaScript date.
    await this.unitOfWork.manager.query(
      `INSERT INTO onec_exchange_sessions
         (id, type, state, login, cookie_hash, sessid, remote_address, user_agent, created_at, expires_at)
       VALUES ($1, $2, 'open', $3, $4, $5, $6, $7, date_trunc('milliseconds', now()),
               now() + make_interval(secs => $8))`,
      [
        id,
        session.type,
        session.login,
        session.cookieHash,
        session.sessid,
        session.remoteAddress,
        session.userAgent,
        this.ttlSeconds,
      ],
    );
    return this.sessions.findOneByOrFail({ id });
  }

  findByCookieHash(cookieHash: string): Promise<ExchangeSessionEntity | null> {
    return this.sessions.findOneBy({ cookieHash });
  }

  /** The live session a 1C call names by its `sessid` when its cookie was lost on the way (Basic only). */
  async findLiveBySessid(login: string, type: ExchangeType, sessid: string): Promise<ExchangeSessionEntity | null> {
    return this.sessions
      .createQueryBuilder('s')
      .where('s.login = :login AND s.type = :type AND s.sessid = :sessid', { login, type, sessid })
      .andWhere('s.state IN (:...states)', { states: LIVE_SESSION_STATES })
      .andWhere('s.expiresAt > now()')
      .getOne();
  }

  findById(id: string): Promise<ExchangeSessionEntity | null> {
    return this.sessions.findOneBy({ id });
  }

  /** Every authenticated call pushes the expiry forward, so a long upload never loses its session. */
  async touch(id: string, sessidSeen: boolean): Promise<void> {
    await this.unitOfWork.manager.query(
      `UPDATE onec_exchange_sessions
          SET last_seen_at = now(), expires_at = now() + make_interval(secs => $2),
              sessid_seen = sessid_seen OR $3
        WHERE id = $1`,
      [id, this.ttlSeconds, sessidSeen],
    );
  }

  async update(id: string, values: Partial<ExchangeSessionEntity>): Promise<void> {
    await this.sessions.update({ id }, values);
  }

  async setState(id: string, state: ExchangeSessionState): Promise<void> {
    await this.unitOfWork.manager.query(
      `UPDATE onec_exchange_sessions SET state = $2,
              finished_at = CASE WHEN $2 IN ('completed', 'failed', 'expired') THEN now() ELSE finished_at END
        WHERE id = $1 AND state IN ('open', 'importing')`,
      [id, state],
    );
  }

  /** Marks a live session failed; the first reason wins. */
  async fail(id: string, code: string, reason: string): Promise<void> {
    await this.unitOfWork.manager.query(
      `UPDATE onec_exchange_sessions
          SET state = 'failed', failure_code = $2, failure_reason = $3, finished_at = now(),
              lease_owner = NULL, lease_until = NULL
        WHERE id = $1 AND state IN ('open', 'importing')`,
      [id, code, reason.slice(0, 2_000)],
    );
  }

  async addCounters(id: string, counters: SessionCounters): Promise<void> {
    await this.unitOfWork.manager.query(
      `UPDATE onec_exchange_sessions
          SET records_imported = records_imported + $2, orders_exported = orders_exported + $3
        WHERE id = $1`,
      [id, counters.recordsImported ?? 0, counters.ordersExported ?? 0],
    );
  }

  /**
   * Takes room for a part under the session's byte cap before a byte of it is written: up to `wanted` bytes, less
   * when the cap leaves less; 0 when it is reached. The row lock serialises parallel parts, so together they never
   * pass the cap. The room counts in `bytes_uploaded` until the part commits (its unused rest is given back then)
   * or fails (all of it is given back); a process killed in between leaves at most one part's room taken.
   */
  async reserveUpload(id: string, wanted: number, cap: number): Promise<number> {
    return this.unitOfWork.run(async (manager) => {
      const [row] = await manager.query<{ bytes_uploaded: string }[]>(
        'SELECT bytes_uploaded FROM onec_exchange_sessions WHERE id = $1 FOR UPDATE',
        [id],
      );
      const room = Math.max(0, Math.min(wanted, cap - Number(row?.bytes_uploaded ?? cap)));
      if (room > 0) {
        await manager.query('UPDATE onec_exchange_sessions SET bytes_uploaded = bytes_uploaded + $2 WHERE id = $1', [
          id,
          room,
        ]);
      }
      return room;
    });
  }

  /** Gives back the room a part took and did not use (see `reserveUpload`). */
  async releaseUpload(id: string, bytes: number): Promise<void> {
    await this.unitOfWork.manager.query(
      'UPDATE onec_exchange_sessions SET bytes_uploaded = bytes_uploaded - $2 WHERE id = $1',
      [id, bytes],
    );
  }

  /** Counts a committed part; its bytes were counted when `reserveUpload` took room, `unused` of them go back. */
  async addUpload(
    id: string,
    unused: number,
    role: ExchangeFileRole | 'skipped-image',
    newFile: boolean,
  ): Promise<void> {
    await this.unitOfWork.manager.query(
      `UPDATE onec_exchange_sessions
          SET bytes_uploaded = bytes_uploaded - $2,
              files_uploaded = files_uploaded + $3,
              images_stored = images_stored + $4,
              images_skipped = images_skipped + $5
        WHERE id = $1`,
      [
        id,
        unused,
        newFile && (role === 'xml' || role === 'archive') ? 1 : 0,
        newFile && role === 'image' ? 1 : 0,
        newFile && role === 'skipped-image' ? 1 : 0,
      ],
    );
  }

  /**
   * Takes the session's step lease for this process: only one process at a time imports or unpacks for a session
   * (another replica answers `progress` meanwhile). A crashed holder's lease simply runs out.
   */
  async acquireLease(id: string, leaseMs: number): Promise<boolean> {
    const [, count] = await this.unitOfWork.manager.query<[unknown[], number]>(
      `UPDATE onec_exchange_sessions
          SET lease_owner = $2, lease_until = now() + make_interval(secs => $3::double precision / 1000)
        WHERE id = $1 AND (lease_until IS NULL OR lease_until < now() OR lease_owner = $2)`,
      [id, this.processId, leaseMs],
    );
    return count === 1;
  }

  async releaseLease(id: string): Promise<void> {
    await this.unitOfWork.manager.query(
      `UPDATE onec_exchange_sessions SET lease_owner = NULL, lease_until = NULL WHERE id = $1 AND lease_owner = $2`,
      [id, this.processId],
    );
  }

  async file(sessionId: string, name: string): Promise<ExchangeFileEntity | null> {
    return this.files.findOneBy({ sessionId, name });
  }

  async filesOf(sessionId: string, roles: readonly ExchangeFileRole[]): Promise<ExchangeFileEntity[]> {
    return this.files
      .createQueryBuilder('f')
      .where('f.sessionId = :sessionId AND f.role IN (:...roles)', { sessionId, roles })
      .orderBy('f.id', 'ASC')
      .getMany();
  }

  /** `mode=init`: a new run within the session starts from an empty folder. */
  async resetForInit(id: string, clientVersion: string | null): Promise<void> {
    await this.unitOfWork.run(async (manager) => {
      await manager.query('DELETE FROM onec_exchange_files WHERE session_id = $1', [id]);
      await manager.query(
        `UPDATE onec_exchange_sessions SET initialized = true, client_version = COALESCE($2, client_version)
          WHERE id = $1`,
        [id, clientVersion],
      );
    });
  }
}
