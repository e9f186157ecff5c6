import { DynamicModule, Injectable, Module } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { BITRIX24_REPRESENTATIONS, type Bitrix24EntityKind } from '../ports/entity-kind.port';

export const KIND_NAME = /^[a-z][a-z0-9_]*$/;

/** What `Bitrix24Module.forFeature` leaves in the container for {@link Bitrix24EntityKinds} to find. */
class Bitrix24Feature {
  constructor(readonly kinds: readonly Bitrix24EntityKind[]) {}
}

/** The domain libs' way in: `imports: [Bitrix24Module.forFeature({ kinds: [...] })]` in the module owning the kinds. */
@Module({})
export class Bitrix24Module {
  /** Registers entity kinds; import the module doing so into both apps, since both read the mapping file. */
  static forFeature(feature: { readonly kinds: readonly Bitrix24EntityKind[] }): DynamicModule {
    return {
      module: Bitrix24Module,
      providers: [{ provide: Bitrix24Feature, useValue: new Bitrix24Feature(feature.kinds) }],
    };
  }
}

/**
 * Every entity kind the domain modules of this process registered. Read in constructors (the mapping is validated
 * against it at boot), which works because registrations are value providers: resolved when the modules are scanned.
 */
@Injectable()
export class Bitrix24EntityKinds {
  private readonly byName = new Map<string, Bitrix24EntityKind>();

  constructor(discovery: DiscoveryService) {
    for (const wrapper of discovery.getProviders()) {
      const feature: unknown = wrapper.instance;
      if (feature instanceof Bitrix24Feature) {
        feature.kinds.forEach((kind) => this.add(kind));
      }
    }
  }

  get all(): Bitrix24EntityKind[] {
    return [...this.byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  get(name: string): Bitrix24EntityKind | undefined {
    return this.byName.get(name);
  }

  private add(kind: Bitrix24EntityKind): void {
    if (!KIND_NAME.test(kind.name)) {
      throw new Error(`Bitrix24 entity kind "${kind.name}": use lower-case letters, digits and _ (${KIND_NAME})`);
    }
    if (!(BITRIX24_REPRESENTATIONS as readonly string[]).includes(kind.representation)) {
      throw new Error(
        `Bitrix24 entity kind "${kind.name}": unknown representation "${kind.representation}" (known: ${BITRIX24_REPRESENTATIONS.join(', ')})`,
      );
    }
    const productRows = kind.productRows === true;
    if (productRows && kind.representation !== 'smart_process') {
      throw new Error(
        `Bitrix24 entity kind "${kind.name}": only smart_process items have product rows, not ${kind.representation}`,
      );
    }
    const known = this.byName.get(kind.name);
    if (known && known.representation !== kind.representation) {
      throw new Error(
        `Bitrix24 entity kind "${kind.name}" is registered twice, as ${known.representation} and as ${kind.representation}`,
      );
    }
    if (known && (known.productRows === true) !== productRows) {
      // Whichever registration came last would silently decide whether the owner sees its lines.
      throw new Error(`Bitrix24 entity kind "${kind.name}" is registered twice, with and without productRows`);
    }
    this.byName.set(kind.name, {
      name: kind.name,
      representation: kind.representation,
      ...(productRows ? { productRows } : {}),
    });
  }
}
