import {
  AppError,
  isRequestQuery,
  providersExtending,
  type TraceEntity,
  type TraceEntry,
  type TraceEntryKind,
  type TraceQuery,
  TraceSource,
} from '@app/core';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';

/** Entries in one timeline at most; the earliest are kept and `truncated` says more exist. */
export const TRACE_LIMIT = 1_000;
/** Linked records (an entity's outbox events) whose own entries an entity's timeline follows, at most. */
const MAX_LINKS = 200;
const LINKS_AT_ONCE = 10;

/**
 * Within one transaction every row has the same `now()`: a request, its audit rows and the events it published share
 * a timestamp. Ties are shown in the order things happen inside a request, then by entry id.
 */
const KIND_ORDER: Record<TraceEntryKind, number> = {
  http_request: 0,
  inbox_event: 1,
  admin_action: 2,
  audit: 3,
  collision: 4,
  outbox_event: 5,
  integration_call: 6,
  event_delivery: 7,
  dead_letter: 8,
  deviation: 9,
};

export interface TraceTimeline {
  readonly entries: readonly TraceEntry[];
  readonly truncated: boolean;
  readonly limit: number;
}

/**
 * One timeline of everything a request caused, or everything that happened to a record, from every lib that
 * implements `TraceSource` in this app (found at start-up, so a lib plugs in without this one knowing it).
 */
@Injectable()
export class TraceService implements OnModuleInit {
  private sources: TraceSource[] = [];

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    this.sources = providersExtending(this.discovery, TraceSource);
  }

  /** The sources this app found, by name (for the docs and the tests). */
  sourceNames(): string[] {
    return this.sources.map((source) => source.name);
  }

  /** Throws `TRACE_NOT_FOUND` when no source knows anything of the request or record. */
  async timeline(query: TraceQuery, limit: number = TRACE_LIMIT): Promise<TraceTimeline> {
    const found = await this.collect(query, limit + 1);
    if (!isRequestQuery(query)) {
      found.push(...(await this.followLinks(query.entity, found, limit + 1)));
    }
    const entries = [...new Map(found.map((entry) => [entry.id, entry])).values()].sort(byTime);
    if (entries.length === 0) {
      throw new AppError('TRACE_NOT_FOUND', 'not_found', 'Nothing is known of this request or record', {
        detail: isRequestQuery(query)
          ? `No row of any source carries request id ${query.requestId}`
          : `No row of any source is about ${query.entity.type}:${query.entity.id}`,
      });
    }
    return { entries: entries.slice(0, limit), truncated: entries.length > limit, limit };
  }

  private async collect(query: TraceQuery, limit: number): Promise<TraceEntry[]> {
    const answers = await Promise.all(this.sources.map((source) => source.entries(query, limit)));
    return answers.flat();
  }

  /** One step only: a linked record's own links are not followed (an event's calls link nowhere further). */
  private async followLinks(entity: TraceEntity, entries: TraceEntry[], limit: number): Promise<TraceEntry[]> {
    const seen = new Set([`${entity.type}:${entity.id}`]);
    const links: TraceEntity[] = [];
    for (const link of entries.flatMap((entry) => entry.links ?? [])) {
      const key = `${link.type}:${link.id}`;
      if (!seen.has(key) && links.length < MAX_LINKS) {
        seen.add(key);
        links.push(link);
      }
    }
    const followed: TraceEntry[] = [];
    for (let start = 0; start < links.length; start += LINKS_AT_ONCE) {
      const batch = links.slice(start, start + LINKS_AT_ONCE);
      const answers = await Promise.all(batch.map((link) => this.collect({ entity: link }, limit)));
      followed.push(...answers.flat());
    }
    return followed;
  }
}

function byTime(a: TraceEntry, b: TraceEntry): number {
  if (a.at !== b.at) {
    return a.at < b.at ? -1 : 1;
  }
  return KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
