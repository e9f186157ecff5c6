import {
  AppConfig,
  ConnectorStatus,
  ConnectorStatusRegistry,
  PublishedBreaker,
  REDIS_CLIENT,
  ReplicatedCircuitBreaker,
} from '@app/core';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { portalCircuitName } from '../client/circuit-breaker';
import { Bitrix24Credentials } from '../client/credentials';
import { Bitrix24EntityKinds } from '../kinds/entity-kinds';
import { Bitrix24MappingProvider } from '../mapping/mapping.provider';
import { SyncCursors } from '../inbound/sync-cursors';

/**
 * The Bitrix24 entry of GET /api/v1/admin/connectors. It reads shared state only (Redis: each worker replica's
 * breaker and the operating pauses; PostgreSQL: installation and sync progress), never secrets.
 */
@Injectable()
export class Bitrix24StatusProvider implements OnModuleInit {
  constructor(
    private readonly config: AppConfig,
    private readonly registry: ConnectorStatusRegistry,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly credentials: Bitrix24Credentials,
    private readonly mappings: Bitrix24MappingProvider,
    private readonly kinds: Bitrix24EntityKinds,
    private readonly cursors: SyncCursors,
  ) {}

  onModuleInit(): void {
    this.registry.register('bitrix24', () => this.status());
  }

  async status(): Promise<ConnectorStatus> {
    const settings = this.config.bitrix24;
    if (settings.authMode === 'unconfigured') {
      return {
        name: 'bitrix24',
        configured: false,
        state: 'unconfigured',
        message: 'Set BITRIX24_WEBHOOK_URL or BITRIX24_CLIENT_ID/SECRET/PORTAL_URL; Bitrix24 jobs wait meanwhile',
      };
    }
    const portal = settings.portal ?? 'unconfigured';
    const breakers = await this.breakers(portal);
    const pauses = await this.redis
      .hgetall(`${this.config.redis.keyPrefix}:bitrix24:operating-pause:${portal}`)
      .catch(() => ({}));
    const pausedMethods = Object.fromEntries(
      Object.entries(pauses)
        .filter(([, until]) => Number(until) > Date.now())
        .map(([method, until]) => [method, new Date(Number(until)).toISOString()]),
    );
    const installations = settings.authMode === 'oauth' ? await this.credentials.installations() : [];
    const sync = Object.fromEntries(
      (await this.cursors.all()).map((cursor) => [
        cursor.name,
        { ...cursor.value, updatedAt: cursor.updatedAt.toISOString() },
      ]),
    );
    const { entities, ignoredKinds } = this.mappings.mapping;
    const problems: string[] = [];
    if (!this.mappings.loaded) {
      problems.push('no mapping file (BITRIX24_MAPPING_FILE): jobs wait');
    }
    if (ignoredKinds.length > 0) {
      problems.push(`the mapping file maps kinds no module registered, ignored: ${ignoredKinds.join(', ')}`);
    }
    if (settings.authMode === 'oauth' && !installations.some((installation) => installation.status === 'active')) {
      problems.push('the local application is not installed (or must be re-installed)');
    }
    if (Object.keys(pausedMethods).length > 0) {
      problems.push(`operating budget pauses: ${Object.keys(pausedMethods).join(', ')}`);
    }
    const open = breakers.filter((breaker) => breaker.state === 'open');
    return {
      name: 'bitrix24',
      configured: true,
      state: open.length > 0 ? 'circuit_open' : problems.length > 0 ? 'degraded' : 'ok',
      ...(open.length > 0
        ? { message: `circuit open on ${open.map((breaker) => breaker.replica).join(', ')}` }
        : problems.length > 0
          ? { message: problems.join('; ') }
          : {}),
      details: {
        authMode: settings.authMode,
        portal,
        rate: { burst: settings.rate.burst, perSecond: settings.rate.perSecond },
        mappedEntities: Object.keys(entities),
        entityKinds: this.kinds.all.map((kind) => ({ ...kind, mapped: kind.name in entities })),
        circuitBreakers: breakers,
        pausedMethods,
        installations,
        sync,
      },
    };
  }

  private breakers(portal: string): Promise<PublishedBreaker[]> {
    return ReplicatedCircuitBreaker.readAll(this.redis, this.config.redis.keyPrefix, portalCircuitName(portal));
  }
}
