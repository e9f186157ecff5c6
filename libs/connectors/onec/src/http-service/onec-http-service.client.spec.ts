import type { CloudEvent } from '@app/events';
import { classifyResponse, pushPayloadOf } from './onec-http-service.client';

describe('classifyResponse', () => {
  it.each([
    [500, null, 'transient', 'ONEC_HTTP_500'],
    [502, null, 'transient', 'ONEC_HTTP_502'],
    [408, null, 'transient', 'ONEC_HTTP_408'],
    // An in-flight duplicate, in the Idempotency-Key draft's terms: try again later.
    [409, null, 'transient', 'ONEC_HTTP_409'],
    [429, '7', 'rate_limited', 'ONEC_RATE_LIMITED'],
    [503, '7', 'rate_limited', 'ONEC_RATE_LIMITED'],
    [503, null, 'transient', 'ONEC_HTTP_503'],
    [401, null, 'unavailable', 'ONEC_AUTH_REFUSED'],
    [403, null, 'unavailable', 'ONEC_AUTH_REFUSED'],
    [400, null, 'permanent', 'ONEC_HTTP_400'],
    [404, null, 'permanent', 'ONEC_HTTP_404'],
    [422, null, 'permanent', 'ONEC_HTTP_422'],
    [302, null, 'permanent', 'ONEC_HTTP_302'],
  ])('HTTP %i (Retry-After %s) is %s', (status, retryAfter, kind, code) => {
    const error = classifyResponse(status, retryAfter, '{"error":"x"}');
    expect({ kind: error.kind, code: error.code, httpStatus: error.httpStatus, system: error.system }).toEqual({
      kind,
      code,
      httpStatus: status,
      system: 'onec',
    });
    expect(error.responseExcerpt).toBe('{"error":"x"}');
  });

  it('waits as long as Retry-After says, in seconds or as a date', () => {
    const now = Date.now();
    expect(classifyResponse(429, '30', '').retryAt!.getTime()).toBeGreaterThanOrEqual(now + 29_000);
    const date = new Date(now + 120_000);
    expect(classifyResponse(429, date.toUTCString(), '').retryAt!.getTime()).toBeCloseTo(date.getTime(), -4);
    expect(classifyResponse(429, null, '').retryAt!.getTime()).toBeGreaterThan(now);
  });

  it('waits minutes when 1C refuses our credentials, and cuts long answers', () => {
    const error = classifyResponse(401, null, 'x'.repeat(10_000));
    expect(error.retryAt!.getTime()).toBeGreaterThanOrEqual(Date.now() + 4 * 60_000);
    expect(error.responseExcerpt).toHaveLength(2_000);
  });
});

describe('pushPayloadOf', () => {
  it('sends the CloudEvent without its routing and trace fields (the trace travels as a header)', () => {
    const event: CloudEvent = {
      specversion: '1.0',
      id: '5d3b5a56-7e3b-4d6b-9b0a-7c5f0b1f7a10',
      source: '/mastermobile/middleware/test',
      type: 'mastermobile.return.posted.v1',
      subject: 'return-17',
      time: '2026-11-27T10:00:00.000Z',
      datacontenttype: 'application/json',
      data: { returnId: 'R-17' },
      destination: 'onec',
      entityversion: 3,
      requestid: 'req-1',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    };
    expect(pushPayloadOf(event)).toEqual({
      specversion: '1.0',
      id: event.id,
      source: event.source,
      type: event.type,
      subject: 'return-17',
      time: event.time,
      datacontenttype: 'application/json',
      data: { returnId: 'R-17' },
      entityversion: 3,
      requestid: 'req-1',
    });
  });
});
