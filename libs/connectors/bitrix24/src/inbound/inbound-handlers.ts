import {
  adapterName,
  AppConfig,
  PortBindingError,
  PortBindings,
  providersExtending,
  type PortBinding,
} from '@app/core';
import { Injectable, Logger, OnModuleInit, Optional } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { Bitrix24Metrics } from '../client/bitrix24.metrics';
import { Bitrix24EntityKinds } from '../kinds/entity-kinds';
import { Bitrix24MappingProvider } from '../mapping/mapping.provider';
import { CourierDirectory } from '../ports/courier-directory.port';
import { CrmItemGateway } from '../ports/crm-item-gateway.port';
import { Bitrix24InboundHandler, type InboundChange } from '../ports/inbound-change.port';
import { ProductCatalogGateway } from '../ports/product-catalog-gateway.port';
import { RemoteEntityDirectory } from '../ports/remote-entity-directory.port';
import { UnhandledInboundChanges } from './unhandled-changes';

/**
 * The app's inbound handlers (providers extending {@link Bitrix24InboundHandler}), found once the providers exist:
 * one per kind and only for registered kinds, or the start-up stops. A change of a kind nobody handles is recorded
 * as unhandled. Also reports what serves each Bitrix24 port of this process to {@link PortBindings}: the worker's
 * gateways, and the inbound handlers in both apps (the API reports them too, for the admin connectors endpoint).
 */
@Injectable()
export class InboundHandlers implements OnModuleInit {
  private readonly logger = new Logger(InboundHandlers.name);
  private byKind = new Map<string, Bitrix24InboundHandler>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly config: AppConfig,
    private readonly kinds: Bitrix24EntityKinds,
    private readonly mappings: Bitrix24MappingProvider,
    private readonly unhandled: UnhandledInboundChanges,
    private readonly metrics: Bitrix24Metrics,
    private readonly bindings: PortBindings,
    @Optional() private readonly crmItems?: CrmItemGateway,
    @Optional() private readonly catalog?: ProductCatalogGateway,
    @Optional() private readonly couriers?: CourierDirectory,
    @Optional() private readonly directory?: RemoteEntityDirectory,
  ) {}

  onModuleInit(): void {
    const handlers = providersExtending(this.discovery, Bitrix24InboundHandler);
    this.byKind = ownersByKind(handlers, this.kinds);
    const unowned = this.kinds.all.filter((kind) => !this.byKind.has(kind.name)).map((kind) => kind.name);
    if (unowned.length > 0 && handlers.length > 0) {
      this.logger.warn(
        `Bitrix24 entity kinds without an inbound handler (recorded as unhandled): ${unowned.join(', ')}`,
      );
    }
    this.bindings.report('bitrix24', this.portBindings(handlers));
  }

  /** Hands the change to its kind's handler, or records it as unhandled; says which. */
  async dispatch(change: InboundChange): Promise<'handled' | 'unhandled'> {
    const handler = this.byKind.get(change.kind);
    if (handler) {
      await handler.apply(change);
    } else {
      await this.unhandled.record(change);
    }
    const outcome = handler ? 'handled' : 'unhandled';
    this.metrics.inboundChanges.inc({ kind: change.kind, outcome });
    return outcome;
  }

  private portBindings(handlers: readonly Bitrix24InboundHandler[]): PortBinding[] {
    const configured = this.config.bitrix24.authMode !== 'unconfigured';
    const outbound = [
      ['CrmItemGateway', this.crmItems],
      ['ProductCatalogGateway', this.catalog],
      ['CourierDirectory', this.couriers],
      ['RemoteEntityDirectory', this.directory],
    ] as const;
    // Events reach handlers only for mapped CRM items and products; portal users send none.
    const inboundInUse =
      configured && Object.values(this.mappings.mapping.entities).some((mapping) => mapping.representation !== 'user');
    return [
      ...outbound.flatMap(([port, adapter]) =>
        adapter ? [{ port, adapter: adapterName(adapter), default: false, inUse: configured }] : [],
      ),
      {
        port: 'Bitrix24InboundHandler',
        adapter: handlers.length > 0 ? InboundHandlers.name : UnhandledInboundChanges.name,
        default: handlers.length === 0,
        inUse: inboundInUse,
        contributions: handlers.map((handler) => ({ adapter: adapterName(handler), keys: handler.kinds })),
      },
    ];
  }
}

/** Each kind has one owner, and only registered kinds can be owned; every problem is reported at once. */
export function ownersByKind(
  handlers: readonly Bitrix24InboundHandler[],
  kinds: Pick<Bitrix24EntityKinds, 'get'>,
): Map<string, Bitrix24InboundHandler> {
  const owners = new Map<string, Bitrix24InboundHandler>();
  const problems: string[] = [];
  for (const handler of handlers) {
    if (handler.kinds.length === 0) {
      problems.push(`Bitrix24InboundHandler ${adapterName(handler)} owns no entity kind, so it would never be used`);
    }
    for (const kind of handler.kinds) {
      const owner = owners.get(kind);
      if (!kinds.get(kind)) {
        problems.push(
          `Bitrix24InboundHandler ${adapterName(handler)} handles entity kind "${kind}", which no module registered ` +
            '(Bitrix24Module.forFeature)',
        );
      } else if (owner) {
        problems.push(
          `Bitrix24InboundHandler: entity kind "${kind}" is claimed by both ${adapterName(owner)} and ${adapterName(handler)}; ` +
            'each kind has one owner',
        );
      } else {
        owners.set(kind, handler);
      }
    }
  }
  if (problems.length > 0) {
    throw new PortBindingError(problems);
  }
  return owners;
}
