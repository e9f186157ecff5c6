import type { EnvReader } from './env-reader';

/**
 * The configuration sections other libs own, one key each. A lib adds its key by module augmentation next to its
 * reader, so `AppConfig.<key>` is typed without core knowing the lib:
 *
 * ```ts
 * declare module '@app/core' {
 *   interface ConfigSections { readonly onec: OnecSettings }
 * }
 * export const ONEC_CONFIG = registerConfigSection('onec', readOnecConfig);
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by module augmentation in each lib
export interface ConfigSections {}

export type ConfigSectionKey = Extract<keyof ConfigSections, string>;

/**
 * Reads one section. It reports every problem through the reader (`read.problem`, or the typed readers' own
 * checks) instead of throwing, so one failed start lists every mistake of every section.
 */
export type ConfigSectionReader<T> = (read: EnvReader) => T;

export interface ConfigSection<K extends ConfigSectionKey = ConfigSectionKey> {
  readonly key: K;
  readonly read: ConfigSectionReader<ConfigSections[K]>;
}

const registered = new Map<string, ConfigSection>();

/**
 * Adds a section to what `loadConfig` reads. Called once, when the owning lib's config file is first imported (the
 * apps import every lib they run before they load the configuration); a second lib claiming the key is a bug.
 */
export function registerConfigSection<K extends ConfigSectionKey>(
  key: K,
  read: ConfigSectionReader<ConfigSections[K]>,
): ConfigSection<K> {
  const existing = registered.get(key);
  if (existing && existing.read !== read) {
    throw new Error(`Configuration section "${key}" is registered twice`);
  }
  const section: ConfigSection<K> = { key, read };
  registered.set(key, section);
  return section;
}

export function registeredConfigSections(): readonly ConfigSection[] {
  return [...registered.values()];
}
