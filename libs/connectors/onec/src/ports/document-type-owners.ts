import { adapterName, PortBindingError, type PortContribution } from '@app/core';

/** 1C pads and re-cases what it writes (`Заказ товара `, `Заказ Товара`): types are compared folded. */
export function documentTypeKey(operation: string): string {
  return operation.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('ru');
}

/**
 * Who owns each 1C document type (`ХозОперация`) among the contributions to one fan-in port. Each type has one
 * owner: two domains applying the same document would race each other, so a second claim stops the start-up.
 */
export class DocumentTypeOwners<T extends { readonly documentTypes: readonly string[] }> {
  private readonly byKey = new Map<string, T>();

  constructor(
    readonly port: string,
    readonly contributions: readonly T[],
  ) {
    const problems: string[] = [];
    for (const contribution of contributions) {
      if (contribution.documentTypes.length === 0) {
        problems.push(`${port} ${adapterName(contribution)} owns no document type, so it would never be used`);
      }
      for (const type of contribution.documentTypes) {
        const owner = this.byKey.get(documentTypeKey(type));
        if (owner && owner !== contribution) {
          problems.push(
            `${port}: document type "${type}" is claimed by both ${adapterName(owner)} and ${adapterName(contribution)}; ` +
              'each 1C document type has one owner',
          );
        }
        this.byKey.set(documentTypeKey(type), owner ?? contribution);
      }
    }
    if (problems.length > 0) {
      throw new PortBindingError(problems);
    }
  }

  ownerOf(operation: string | null): T | undefined {
    return operation === null ? undefined : this.byKey.get(documentTypeKey(operation));
  }

  describe(): PortContribution[] {
    return this.contributions.map((contribution) => ({
      adapter: adapterName(contribution),
      keys: contribution.documentTypes,
    }));
  }
}

/** Adds `value` to the list under `key`, keeping the order values arrive in. */
export function append<K, V>(lists: Map<K, V[]>, key: K, value: V): void {
  const list = lists.get(key);
  if (list) {
    list.push(value);
  } else {
    lists.set(key, [value]);
  }
}
