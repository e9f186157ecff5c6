import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/** A port free now, for a server that must be named in another's configuration before it starts. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

export interface RunningOidcProvider {
  readonly issuer: string;
  readonly clientId: string;
  close(): Promise<void>;
}

/**
 * A real OpenID Connect provider (the `oidc-provider` package, certified) for the console's sign-in: one public
 * client using authorization code with PKCE, its development login and consent pages (any login), and JWT access
 * tokens for the API's resource (RFC 8707) carrying the roles the API reads, signed with a fresh RS256 key it
 * publishes at `/jwks`.
 */
export async function startOidcProvider(options: {
  readonly port: number;
  readonly redirectUri: string;
  /** The API's audience, which is also the resource the console asks a token for. */
  readonly audience: string;
  readonly roles: readonly string[];
}): Promise<RunningOidcProvider> {
  const issuer = `http://127.0.0.1:${options.port}`;
  const clientId = 'mastermobile-console';
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        token_endpoint_auth_method: 'none',
        redirect_uris: [options.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), use: 'sig', alg: 'RS256' }] },
    cookies: { keys: [randomUUID()] },
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => options.audience,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: 'openid',
          audience: options.audience,
          accessTokenFormat: 'jwt',
          accessTokenTTL: 600,
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
    findAccount: (_context, id) => ({ accountId: id, claims: () => ({ sub: id }) }),
    extraTokenClaims: () => ({ roles: [...options.roles] }),
    clientBasedCORS: () => true,
  });
  const handle = provider.callback();
  const server: Server = createServer((request, response) => void handle(request, response));
  await new Promise<void>((resolve) => server.listen(options.port, '127.0.0.1', resolve));
  return {
    issuer,
    clientId,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
