import { getMetadataStorage } from 'class-validator';

type Storage = ReturnType<typeof getMetadataStorage>;
type ValidationMetadata = ReturnType<Storage['getTargetValidationMetadatas']>[number];

const memoized = Symbol('mastermobile:memoized-validation-metadata');

/**
 * class-validator looks up a DTO's rules on every validation by filtering every rule it holds and testing the DTO
 * against every decorated class for inheritance: with this application's hundreds of DTOs that search was most of
 * validation's cost on the hot paths (bench:http's CPU profile). The rules only change when a decorator runs (a class
 * being defined), so the answers are kept per class and options and forgotten whenever a rule, constraint or schema
 * is added. Callers only read the arrays and groupings (ValidationExecutor), so one copy serves every request.
 */
export function memoizeValidationMetadata(storage: Storage = getMetadataStorage()): void {
  const patched = storage as Storage & { [memoized]?: true };
  if (patched[memoized]) {
    return;
  }
  patched[memoized] = true;
  let byTarget = new Map<unknown, Map<string, ValidationMetadata[]>>();
  let groupings = new WeakMap<ValidationMetadata[], Record<string, ValidationMetadata[]>>();
  const forget = () => {
    byTarget = new Map();
    groupings = new WeakMap();
  };
  const adders = storage as unknown as Record<
    'addValidationSchema' | 'addValidationMetadata' | 'addConstraintMetadata',
    (argument: unknown) => void
  >;
  for (const method of ['addValidationSchema', 'addValidationMetadata', 'addConstraintMetadata'] as const) {
    const add = adders[method].bind(storage);
    adders[method] = (argument) => {
      forget();
      add(argument);
    };
  }
  const lookUp = storage.getTargetValidationMetadatas.bind(storage);
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const options = `${schema}\u0000${always}\u0000${strictGroups}\u0000${(groups ?? []).join('\u0000')}\u0000${groups?.length ?? -1}`;
    let forTarget = byTarget.get(target);
    if (!forTarget) {
      forTarget = new Map();
      byTarget.set(target, forTarget);
    }
    let found = forTarget.get(options);
    if (!found) {
      found = lookUp(target, schema, always, strictGroups, groups);
      forTarget.set(options, found);
    }
    return found;
  };
  const group = storage.groupByPropertyName.bind(storage);
  storage.groupByPropertyName = (metadata: ValidationMetadata[]) => {
    let grouped = groupings.get(metadata);
    if (!grouped) {
      grouped = group(metadata);
      groupings.set(metadata, grouped);
    }
    return grouped;
  };
}
