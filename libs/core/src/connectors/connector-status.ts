import { Injectable } from '@nestjs/common';
import { PortBinding, PortBindings } from './port-bindings';

export type ConnectorState = 'ok' | 'degraded' | 'circuit_open' | 'unconfigured';

/** What an operator needs to know about one external system's connector, right now. */
export interface ConnectorStatus {
  readonly name: string;
  readonly configured: boolean;
  readonly state: ConnectorState;
  /** Human-readable reason when not `ok`. */
  readonly message?: string;
  /** Connector-specific facts: circuit breakers per replica, quota, last success, auth mode… (no secrets). */
  readonly details?: Record<string, unknown>;
  /** Which adapter serves each of its ports in this process ({@link PortBindings}). */
  readonly ports?: readonly PortBinding[];
}

export type ConnectorStatusProvider = () => Promise<ConnectorStatus>;

/**
 * Connectors register a status provider at start-up; the admin endpoint asks all of them. Providers must read
 * shared state (Redis, PostgreSQL), not only process memory, because the API and the workers are separate
 * processes.
 */
@Injectable()
export class ConnectorStatusRegistry {
  private readonly providers = new Map<string, ConnectorStatusProvider>();

  constructor(private readonly bindings: PortBindings) {}

  register(name: string, provider: ConnectorStatusProvider): void {
    this.providers.set(name, provider);
  }

  async all(): Promise<ConnectorStatus[]> {
    const names = [...this.providers.keys()].sort();
    return Promise.all(
      names.map(async (name): Promise<ConnectorStatus> => {
        const ports = this.bindings.of(name);
        try {
          return { ...(await this.providers.get(name)!()), ...(ports ? { ports } : {}) };
        } catch (error) {
          return {
            name,
            configured: true,
            state: 'degraded',
            message: `status unavailable: ${error instanceof Error ? error.message : String(error)}`,
            ...(ports ? { ports } : {}),
          };
        }
      }),
    );
  }
}
