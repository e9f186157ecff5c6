import { AppError, Public, ApiProblemResponses, BodyLimit, NotRateLimited } from '@app/core';
import { InboxService } from '@app/events';
import { Body, Controller, HttpCode, Logger, Post, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { BITRIX24_EVENT_RECEIVED, BITRIX24_INBOX_DESTINATION, BITRIX24_SOURCE } from '../bitrix24.constants';
import { Bitrix24Metrics } from '../client/bitrix24.metrics';
import { dedupKeyOf, inboxSubjectOf, parseEventBody } from './event-payload';
import { EventVerifier } from './event-verifier';
import { WebhookRateCap } from './webhook-rate-cap';

export class WebhookReceiptDto {
  @ApiProperty({ enum: ['accepted', 'duplicate'], description: 'A duplicate is acknowledged and not processed again.' })
  status!: 'accepted' | 'duplicate';
}

/**
 * Bitrix24's outbound webhook (`event.bind` handlers and UI-configured outgoing webhooks). It authenticates by the
 * application token in the body, stores the event in the inbox and answers at once: no call to Bitrix24 happens here
 * (the portal slows down handlers that answer late and never re-sends an event).
 */
@ApiTags('webhooks')
@Controller('api/v1/webhooks/bitrix24')
export class Bitrix24WebhookController {
  private readonly logger = new Logger('Bitrix24WebhookSecurity');

  constructor(
    private readonly verifier: EventVerifier,
    private readonly inbox: InboxService,
    private readonly rateCap: WebhookRateCap,
    private readonly metrics: Bitrix24Metrics,
  ) {}

  @Post()
  @Public()
  // Authentic events are never refused (a bulk change in the portal fires hundreds a second, and none is sent
  // twice); forged ones are capped per source by WebhookRateCap once verification has refused them.
  @NotRateLimited()
  @HttpCode(200)
  @BodyLimit((config) => config.bitrix24.webhook.bodyLimitBytes)
  @ApiOperation({
    summary: 'Receive a Bitrix24 outbound event',
    description:
      'Form-encoded with PHP bracket keys (as Bitrix24 sends it) or JSON. Authenticated by auth[application_token] ' +
      '(constant-time comparison against the configured or installed tokens) and pinned to auth[member_id]/auth[domain].',
  })
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiBody({
    schema: {
      type: 'object',
      additionalProperties: true,
      example: {
        event: 'ONCRMDYNAMICITEMUPDATE',
        data: { FIELDS: { ID: '24', ENTITY_TYPE_ID: '1220' } },
        ts: '1723538517',
        auth: { domain: 'example.bitrix24.com', member_id: '…', application_token: '…' },
      },
    },
  })
  @ApiOkResponse({ type: WebhookReceiptDto })
  @ApiProblemResponses(400, 401, 413, 429)
  async receive(@Req() request: FastifyRequest, @Body() body: unknown): Promise<WebhookReceiptDto> {
    // Verified before any cap is consulted: an authentic event is never refused because of other callers' failures.
    const event = parseEventBody(body);
    const verdict = await this.verifier.verify(event?.auth ?? {});
    if (!verdict.ok) {
      this.metrics.inbound.inc({ event: 'unknown', outcome: 'refused' });
      const cap = await this.rateCap.noteRefusal(request.ip);
      // The only trace a refused call leaves: who, what, why; never the token. Over the cap, one line per window.
      const trace = {
        source: request.ip,
        event: event?.event ?? null,
        domain: event?.auth.domain ?? null,
        reason: verdict.reason,
      };
      if (!cap.over) {
        this.logger.warn(trace, 'Refused a Bitrix24 webhook call');
        throw new AppError('BITRIX24_EVENT_UNAUTHENTICATED', 'unauthenticated', 'Unauthenticated Bitrix24 event');
      }
      if (cap.justCrossed) {
        this.logger.warn(trace, 'Too many refused Bitrix24 webhook calls from this source: the rest are not logged');
      }
      throw new AppError('BITRIX24_EVENT_RATE_LIMITED', 'rate_limited', 'Too many refused calls from this source', {
        retryAfterSeconds: cap.retryAfterSeconds,
      });
    }
    if (!event) {
      throw new AppError('BITRIX24_EVENT_INVALID', 'invalid_input', 'Not a Bitrix24 event: `event` is missing');
    }
    const stored = {
      source: BITRIX24_SOURCE,
      type: event.event,
      subject: inboxSubjectOf(event.subject),
      // The tokens stay out of the database: processing uses our own stored credentials, never the event's.
      payload: {
        event: event.event,
        event_handler_id: event.handlerId ?? null,
        ts: event.ts ?? null,
        data: event.data,
        auth: { domain: event.auth.domain ?? null, member_id: event.auth.memberId ?? null },
        via: 'webhook',
      },
      destination: BITRIX24_INBOX_DESTINATION,
      eventType: BITRIX24_EVENT_RECEIVED,
    };
    const dedupKey = dedupKeyOf(event);
    const receipt = await this.inbox.receive({ ...stored, dedupKey });
    if (receipt.duplicate) {
      // Events carry no id and `ts` has whole seconds, so a second change of the entity within the same second looks
      // exactly like a re-delivery (which Bitrix24 never makes: it posts once). The first copy's processing may have
      // re-read the entity already, so every further copy is checked once more, after it (same subject, so in
      // order), under a key of its own. Processing compares with what we hold: a true duplicate costs one re-read.
      await this.inbox.receive({ ...stored, dedupKey: `${dedupKey}|copy ${receipt.copies}` });
    }
    const status = receipt.duplicate ? 'duplicate' : 'accepted';
    this.metrics.inbound.inc({ event: event.event, outcome: status });
    return { status };
  }
}
