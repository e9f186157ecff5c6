import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config';

/** One domain's share of a fan-in port: its adapter and the keys it owns (1C document types, Bitrix24 kinds). */
export interface PortContribution {
  /** The contribution's class name. */
  readonly adapter: string;
  readonly keys: readonly string[];
}

/** Which adapter serves one of a connector's ports, as the connector found it at start-up. */
export interface PortBinding {
  /** The port's class name, e.g. `CatalogImportSink`. */
  readonly port: string;
  /** Class name of what serves it: the bound adapter, the connector's fallback, or the composite of a fan-in port. */
  readonly adapter: string;
  /**
   * A fallback serves the port: what arrives is accepted and logged or dropped, not handled (for a fan-in port: no
   * contribution is registered).
   */
  readonly default: boolean;
  /**
   * The connector takes traffic on this port (the 1C exchange is configured, say). A fallback on a port in use
   * stops the start-up in production and is a warning elsewhere.
   */
  readonly inUse: boolean;
  /** Fan-in ports only: every registered contribution. */
  readonly contributions?: readonly PortContribution[];
}

/**
 * A start-up error an operator fixes by deploying or registering an adapter, not by reading a stack trace: the
 * apps print its message alone, one line per problem, as they do for configuration errors.
 */
export class PortBindingError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'PortBindingError';
  }
}

/**
 * What serves each connector's ports. Connectors report their bindings while the modules initialise; once every
 * module has, a fallback on a port in use stops the start-up in production (a missing domain module must not
 * turn into data that 1C or Bitrix24 believe delivered) and is a loud warning elsewhere. The admin connectors
 * endpoint and `/health/ready` show the report.
 */
@Injectable()
export class PortBindings implements OnApplicationBootstrap {
  private readonly logger = new Logger(PortBindings.name);
  private readonly reports = new Map<string, readonly PortBinding[]>();

  constructor(private readonly config: AppConfig) {}

  /** Replaces what `connector` reported before: call it once, when its bindings are resolved. */
  report(connector: string, bindings: readonly PortBinding[]): void {
    this.reports.set(connector, bindings);
  }

  of(connector: string): readonly PortBinding[] | undefined {
    return this.reports.get(connector);
  }

  /** Every report, by connector name in alphabetical order. */
  all(): Record<string, readonly PortBinding[]> {
    return Object.fromEntries([...this.reports].sort(([a], [b]) => a.localeCompare(b)));
  }

  onApplicationBootstrap(): void {
    const problems = Object.entries(this.all()).flatMap(([connector, bindings]) =>
      bindings
        .filter((binding) => binding.default && binding.inUse)
        .map(
          (binding) =>
            `Port ${binding.port} of the ${connector} connector has no adapter bound: ` +
            `only the stand-in ${binding.adapter} serves it, and it handles nothing`,
        ),
    );
    if (problems.length === 0) {
      return;
    }
    if (this.config.production) {
      throw new PortBindingError(problems);
    }
    for (const problem of problems) {
      this.logger.warn(`${problem} (this stops the start-up in production)`);
    }
  }
}
