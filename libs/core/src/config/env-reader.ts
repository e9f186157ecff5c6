import { redactUrl } from '../logging/redaction';

/**
 * Reads typed values from an environment map and collects every problem instead of stopping at the first one,
 * so a misconfigured deployment learns all of its mistakes from a single failed start.
 */
export class EnvReader {
  readonly problems: string[] = [];

  constructor(
    private readonly env: Readonly<Record<string, string | undefined>>,
    readonly production: boolean,
  ) {}

  /** A value with a default that applies everywhere. */
  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  optionalString(name: string): string | undefined {
    return this.raw(name);
  }

  /** A value that production must set explicitly; elsewhere the development default keeps a fresh clone running. */
  secret(name: string, developmentDefault: string): string {
    const value = this.raw(name);
    if (value !== undefined) {
      return value;
    }
    if (this.production) {
      this.problems.push(`${name} is required in production`);
    }
    return developmentDefault;
  }

  int(name: string, fallback: number, bounds: { min?: number; max?: number } = {}): number {
    const value = this.raw(name);
    if (value === undefined) {
      return fallback;
    }
    if (!/^-?\d+$/.test(value)) {
      this.problems.push(`${name} must be an integer, got "${value}"`);
      return fallback;
    }
    const parsed = Number(value);
    if (bounds.min !== undefined && parsed < bounds.min) {
      this.problems.push(`${name} must be >= ${bounds.min}, got ${parsed}`);
    }
    if (bounds.max !== undefined && parsed > bounds.max) {
      this.problems.push(`${name} must be <= ${bounds.max}, got ${parsed}`);
    }
    return parsed;
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) {
      return fallback;
    }
    if (['true', '1', 'yes', 'on'].includes(value)) {
      return true;
    }
    if (['false', '0', 'no', 'off'].includes(value)) {
      return false;
    }
    this.problems.push(`${name} must be a boolean (true/false), got "${value}"`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) {
      return fallback;
    }
    if (!(allowed as readonly string[]).includes(value)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')}, got "${value}"`);
      return fallback;
    }
    return value as T;
  }

  url(name: string, fallback: string | undefined, protocols: readonly string[]): string | undefined {
    const value = this.raw(name) ?? fallback;
    if (value === undefined) {
      return undefined;
    }
    try {
      const parsed = new URL(value);
      if (!protocols.includes(parsed.protocol)) {
        this.problems.push(`${name} must use ${protocols.join(' or ')}, got "${parsed.protocol}"`);
      }
    } catch {
      this.problems.push(`${name} must be a URL, got "${redactUrl(value)}"`);
    }
    return value;
  }

  list(name: string): string[] {
    return (this.raw(name) ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0);
  }

  problem(message: string): void {
    this.problems.push(message);
  }

  private raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }
}
