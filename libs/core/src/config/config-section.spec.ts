import { ConfigValidationError, loadConfig } from './app-config';
import { registerConfigSection, registeredConfigSections, type ConfigSectionKey } from './config-section';
import type { EnvReader } from './env-reader';

// A lib's key exists only through its module augmentation; this spec stands in for one without augmenting.
const key = 'probeSection' as ConfigSectionKey;
const readProbe = (read: EnvReader): never =>
  ({ limit: read.int('PROBE_SECTION_LIMIT', 5, { min: 1 }) }) as unknown as never;

describe('config sections registered by other libs', () => {
  beforeAll(() => registerConfigSection(key, readProbe));

  it('are read by loadConfig into their own key', () => {
    const config = loadConfig({ PROBE_SECTION_LIMIT: '7' }) as unknown as Record<string, unknown>;

    expect(config[key]).toEqual({ limit: 7 });
  });

  it("report their problems together with core's in one failed start", () => {
    let problems: readonly string[] = [];
    try {
      loadConfig({ PROBE_SECTION_LIMIT: '0', PORT: 'eighty' });
    } catch (error) {
      problems = error instanceof ConfigValidationError ? error.problems : [];
    }

    expect([...problems].sort()).toEqual([
      'PORT must be an integer, got "eighty"',
      'PROBE_SECTION_LIMIT must be >= 1, got 0',
    ]);
  });

  it('belong to one lib: registering the same key with another reader is refused', () => {
    expect(() => registerConfigSection(key, () => ({}) as never)).toThrow(
      'Configuration section "probeSection" is registered twice',
    );
    expect(registeredConfigSections().filter((section) => section.key === key)).toHaveLength(1);
  });
});
