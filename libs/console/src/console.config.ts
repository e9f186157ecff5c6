import { type EnvReader, registerConfigSection } from '@app/core';

/** Where operators sign in to the console: the identity provider that issues the API's tokens, if one is set. */
export interface ConsoleSettings {
  readonly oidc: {
    /** The provider's issuer URL; its discovery document names the authorization and token endpoints. */
    readonly issuer: string;
    /** The console's public client (authorization code with PKCE, no secret in the browser). */
    readonly clientId: string;
    readonly scope: string;
    /** The API's resource indicator, where the provider issues JWT access tokens per resource. */
    readonly resource: string | null;
  } | null;
}

export function readConsoleConfig(read: EnvReader): ConsoleSettings {
  const issuer = read.url('CONSOLE_OIDC_ISSUER', undefined, read.production ? ['https:'] : ['https:', 'http:']);
  const clientId = read.optionalString('CONSOLE_OIDC_CLIENT_ID');
  const scope = read.string('CONSOLE_OIDC_SCOPE', 'openid');
  const resource = read.optionalString('CONSOLE_OIDC_RESOURCE') ?? null;
  if ((issuer === undefined) !== (clientId === undefined)) {
    read.problem('CONSOLE_OIDC_ISSUER and CONSOLE_OIDC_CLIENT_ID go together: set both to sign in with OpenID Connect');
  }
  return { oidc: issuer !== undefined && clientId !== undefined ? { issuer, clientId, scope, resource } : null };
}

declare module '@app/core' {
  interface ConfigSections {
    /** The back-office console's section. */
    readonly console: ConsoleSettings;
  }
}

registerConfigSection('console', readConsoleConfig);
