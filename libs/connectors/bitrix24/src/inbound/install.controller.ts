import { ApiProblemResponses, AppConfig, AppError, AuditService, Public, UnitOfWork } from '@app/core';
import { Body, Controller, HttpCode, Logger, Post, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Bitrix24Error } from '../client/bitrix24-error';
import { Bitrix24Credentials, oauthTokenUrl } from '../client/credentials';
import { Bitrix24Transport } from '../client/transport';
import { WebhookRateCap } from './webhook-rate-cap';

export class InstallReceiptDto {
  @ApiProperty({ enum: ['installed'] }) status!: 'installed';
  @ApiProperty() memberId!: string;
}

/**
 * The "path for initial installation" of the local application: Bitrix24 posts ONAPPINSTALL with the first tokens
 * and the application token. Anyone can reach this URL, so before anything is stored: attempts are capped across
 * replicas (before any outbound call); OAuth must be configured; the portal must be ours (domain, pinned member id);
 * the OAuth server allowlisted; the access token must work against the configured portal (`app.info`; never against
 * an endpoint from the payload) AND belong to our application, since any application installed on the same portal
 * gets valid tokens too; and a re-install must be for the portal already installed. A refused install changes
 * nothing; an accepted one is audited with the replaced row's facts. Tokens never reach a log line or the audit.
 */
@ApiTags('webhooks')
@Controller('api/v1/webhooks/bitrix24/install')
export class Bitrix24InstallController {
  private readonly logger = new Logger('Bitrix24WebhookSecurity');

  constructor(
    private readonly config: AppConfig,
    private readonly credentials: Bitrix24Credentials,
    private readonly transport: Bitrix24Transport,
    private readonly rateCap: WebhookRateCap,
    private readonly unitOfWork: UnitOfWork,
    private readonly audit: AuditService,
  ) {}

  @Post()
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Install handler of the Bitrix24 local application (ONAPPINSTALL)' })
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiBody({ schema: { type: 'object', additionalProperties: true } })
  @ApiOkResponse({ type: InstallReceiptDto })
  @ApiProblemResponses(400, 401, 409, 429, 503)
  async install(@Req() request: FastifyRequest, @Body() body: unknown): Promise<InstallReceiptDto> {
    const { oauth, memberId: pinnedMember, portal } = this.config.bitrix24;
    if (!oauth) {
      throw new AppError(
        'BITRIX24_OAUTH_NOT_CONFIGURED',
        'conflict',
        'The Bitrix24 local application is not configured',
      );
    }
    const auth = authOf(body);
    const trace = { source: request.ip, domain: auth.domain ?? null, memberId: auth.member_id ?? null };
    const cap = await this.rateCap.noteInstallAttempt();
    if (cap.over) {
      if (cap.justCrossed) {
        this.logger.warn(trace, 'Too many Bitrix24 install calls: refusing them until the window passes');
      }
      throw new AppError('BITRIX24_INSTALL_RATE_LIMITED', 'rate_limited', 'Too many Bitrix24 install calls', {
        retryAfterSeconds: cap.retryAfterSeconds,
      });
    }
    const refuse = (reason: string): AppError => {
      this.logger.warn({ ...trace, reason }, 'Refused a Bitrix24 install call');
      return new AppError('BITRIX24_INSTALL_REFUSED', 'unauthenticated', 'Bitrix24 install refused');
    };
    const required = [
      'access_token',
      'refresh_token',
      'application_token',
      'member_id',
      'domain',
      'server_endpoint',
    ] as const;
    const missing = required.filter((key) => !auth[key]);
    if (missing.length > 0) {
      throw new AppError('BITRIX24_INSTALL_INVALID', 'invalid_input', `Missing auth[${missing.join('], auth[')}]`);
    }
    if (portal !== undefined && auth.domain!.toLowerCase() !== portal.toLowerCase()) {
      throw refuse('domain is not the configured portal');
    }
    if (pinnedMember !== undefined && auth.member_id !== pinnedMember) {
      throw refuse('member_id is not the pinned portal');
    }
    let application: { id: unknown; code: unknown };
    try {
      oauthTokenUrl(auth.server_endpoint!, oauth.oauthServerHosts);
      const answer = await this.transport.send({
        method: 'app.info',
        url: new URL(
          'rest/app.info',
          oauth.portalUrl.endsWith('/') ? oauth.portalUrl : `${oauth.portalUrl}/`,
        ).toString(),
        body: { auth: auth.access_token },
      });
      const result = (answer.body as { result?: { ID?: unknown; CODE?: unknown } } | null)?.result;
      application = { id: result?.ID, code: result?.CODE };
    } catch (error) {
      throw refuse(error instanceof Bitrix24Error ? error.code : 'verification failed');
    }
    // A local application's CODE is its client id; another application's token passes app.info with its own.
    if (application.code !== oauth.clientId) {
      throw refuse('the access token belongs to another application');
    }
    const installed = await this.unitOfWork.run(async () => {
      const outcome = await this.credentials.install({
        memberId: auth.member_id!,
        domain: auth.domain!,
        serverEndpoint: auth.server_endpoint!,
        accessToken: auth.access_token!,
        refreshToken: auth.refresh_token!,
        applicationToken: auth.application_token!,
        expiresInSeconds: Number(auth.expires_in) || 3600,
        scope: auth.scope ?? '',
      });
      if (outcome.kind === 'refused') {
        throw refuse(outcome.reason);
      }
      const facts = {
        domain: auth.domain!,
        applicationId: String(application.id),
        scope: auth.scope ?? '',
        source: request.ip,
        ...(outcome.kind === 'reinstalled'
          ? {
              previousStatus: outcome.previous.status,
              previousInstalledAt: outcome.previous.installedAt.toISOString(),
            }
          : {}),
      };
      await this.audit.record({
        actor: `bitrix24:${auth.domain!}`,
        action: `bitrix24_installation.${outcome.kind === 'installed' ? 'install' : 'reinstall'}`,
        targetType: 'bitrix24_installation',
        targetId: auth.member_id!,
        details: facts,
      });
      return { kind: outcome.kind, facts };
    });
    this.logger.log(
      { memberId: auth.member_id, ...installed.facts },
      `Bitrix24 local application ${installed.kind} on ${auth.domain}`,
    );
    return { status: 'installed', memberId: auth.member_id! };
  }
}

type AuthFields = Partial<
  Record<
    | 'access_token'
    | 'refresh_token'
    | 'application_token'
    | 'member_id'
    | 'domain'
    | 'server_endpoint'
    | 'expires_in'
    | 'scope',
    string
  >
>;

function authOf(body: unknown): AuthFields {
  const auth = body && typeof body === 'object' ? (body as Record<string, unknown>).auth : undefined;
  if (!auth || typeof auth !== 'object') {
    return {};
  }
  return Object.fromEntries(
    Object.entries(auth as Record<string, unknown>)
      .filter(([, value]) => typeof value === 'string' || typeof value === 'number')
      .map(([key, value]) => [key, String(value)]),
  );
}
