import type { DiscoveryService } from '@nestjs/core';
import { PortBindingError } from './port-bindings';

export type PortClass<T> = abstract new (...args: never[]) => T;

/** The name an adapter is reported and named in start-up problems under: its class name. */
export function adapterName(instance: object): string {
  return instance.constructor.name;
}

/**
 * Every distinct singleton provider of the app that extends `port`, in module order: how a connector finds the
 * adapters domain modules provide without importing them (connectors never import domain libs). A request-scoped
 * or transient one is a start-up error: a connector works outside any request and needs one instance.
 */
export function providersExtending<T extends object>(discovery: DiscoveryService, port: PortClass<T>): T[] {
  const found = new Set<T>();
  for (const wrapper of discovery.getProviders()) {
    if (!wrapper.isDependencyTreeStatic() || wrapper.isTransient) {
      const prototype: unknown = (wrapper.metatype as { prototype?: unknown } | null)?.prototype;
      if (prototype instanceof port) {
        throw new PortBindingError([
          `${wrapper.name} extends ${port.name} but is request-scoped or transient; ` +
            'a connector needs one instance for the whole app',
        ]);
      }
      continue;
    }
    const instance: unknown = wrapper.instance;
    if (instance instanceof port) {
      found.add(instance);
    }
  }
  return [...found];
}
