import { AppError, type TraceEntry, type TraceQuery, TraceSource } from '@app/core';
import { Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { DiscoveryModule, NestFactory } from '@nestjs/core';
import { TraceService } from './trace.service';

const entry = (id: string, at: string, kind: TraceEntry['kind'], extra: Partial<TraceEntry> = {}): TraceEntry => ({
  id,
  at,
  kind,
  source: 'fake',
  summary: id,
  requestId: 'r-1',
  details: {},
  ...extra,
});

/** Rows by request id and by `type:id`, as a lib's tables would hold them. */
abstract class FakeSource extends TraceSource {
  readonly asked: TraceQuery[] = [];
  protected abstract readonly rows: { byRequest: Record<string, TraceEntry[]>; byEntity: Record<string, TraceEntry[]> };

  entries(query: TraceQuery, limit: number): Promise<TraceEntry[]> {
    this.asked.push(query);
    const found =
      'requestId' in query
        ? (this.rows.byRequest[query.requestId] ?? [])
        : (this.rows.byEntity[`${query.entity.type}:${query.entity.id}`] ?? []);
    // The port's contract: the earliest `limit`.
    return Promise.resolve([...found].sort((a, b) => a.at.localeCompare(b.at)).slice(0, limit));
  }
}

@Injectable()
class EventsLike extends FakeSource {
  readonly name = 'events';
  protected readonly rows = {
    byRequest: {
      'r-1': [
        entry('outbox:1', '2026-12-05T08:00:00.000Z', 'outbox_event', { links: [{ type: 'event', id: 'e1' }] }),
        entry('delivered:1', '2026-12-05T08:00:02.000Z', 'event_delivery'),
      ],
    },
    byEntity: {
      'delivery:d1': [
        entry('outbox:1', '2026-12-05T08:00:00.000Z', 'outbox_event', { links: [{ type: 'event', id: 'e1' }] }),
      ],
    },
  };
}

@Injectable()
class CoreLike extends FakeSource {
  readonly name = 'core';
  protected readonly rows = {
    byRequest: {
      'r-1': [
        entry('call:1', '2026-12-05T08:00:01.000Z', 'integration_call'),
        // The request's record and its audit row share the transaction's timestamp with the outbox event.
        entry('request:1', '2026-12-05T08:00:00.000Z', 'http_request'),
      ],
    },
    byEntity: { 'event:e1': [entry('call:1', '2026-12-05T08:00:01.000Z', 'integration_call')] },
  };
}

@Injectable()
class AuditLike extends FakeSource {
  readonly name = 'audit';
  protected readonly rows = {
    byRequest: {
      'r-1': [entry('audit:1', '2026-12-05T08:00:00.000Z', 'audit')],
      many: Array.from({ length: 7 }, (_, i) => entry(`audit:${i}`, `2026-12-05T08:00:0${6 - i}.000Z`, 'audit')),
    },
    byEntity: { 'delivery:d1': [entry('audit:1', '2026-12-05T08:00:00.000Z', 'audit')] },
  };
}

@Module({ imports: [DiscoveryModule], providers: [TraceService, EventsLike, CoreLike, AuditLike] })
class TraceTestModule {}

describe('TraceService', () => {
  let app: INestApplicationContext;
  let service: TraceService;
  let core: CoreLike;

  beforeAll(async () => {
    app = await NestFactory.createApplicationContext(TraceTestModule, { logger: false });
    service = app.get(TraceService);
    core = app.get(CoreLike);
  });
  afterAll(() => app.close());

  it('finds every source the app provides', () => {
    expect(service.sourceNames().sort()).toEqual(['audit', 'core', 'events']);
  });

  it('merges the sources by time, ties in the order things happen inside a request', async () => {
    const timeline = await service.timeline({ requestId: 'r-1' });
    expect(timeline.entries.map((e) => e.id)).toEqual(['request:1', 'audit:1', 'outbox:1', 'call:1', 'delivered:1']);
    expect(timeline.truncated).toBe(false);
  });

  it('follows an entity’s events to the calls logged under them, once each', async () => {
    const timeline = await service.timeline({ entity: { type: 'delivery', id: 'd1' } });
    expect(timeline.entries.map((e) => e.id)).toEqual(['audit:1', 'outbox:1', 'call:1']);
    expect(core.asked).toContainEqual({ entity: { type: 'event', id: 'e1' } });
  });

  it('keeps the earliest entries up to the limit and says it cut', async () => {
    const timeline = await service.timeline({ requestId: 'many' }, 3);
    expect(timeline).toMatchObject({ truncated: true, limit: 3 });
    expect(timeline.entries.map((e) => e.at)).toEqual([
      '2026-12-05T08:00:00.000Z',
      '2026-12-05T08:00:01.000Z',
      '2026-12-05T08:00:02.000Z',
    ]);
  });

  it('refuses with TRACE_NOT_FOUND when no source knows the request or the record', async () => {
    for (const query of [{ requestId: 'unknown' }, { entity: { type: 'delivery', id: 'none' } }]) {
      await expect(service.timeline(query)).rejects.toMatchObject({ code: 'TRACE_NOT_FOUND', category: 'not_found' });
      await expect(service.timeline(query)).rejects.toBeInstanceOf(AppError);
    }
  });
});
