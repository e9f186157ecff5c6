import { request as httpRequest } from 'node:http';
import { ApiHarness, postJson, startApiHarness } from '../support/api-harness';

const APPLICATION_TOKEN = 'webhook-limit-application-token';
const WEBHOOK = '/api/v1/webhooks/bitrix24';
const FORM = 'application/x-www-form-urlencoded';
const PADDING = 900 * 1024;

interface Answer {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly text: string;
}

/**
 * Posts without Content-Length (chunked transfer encoding), the way a client hides a body's size until it is read.
 * The server may answer and close mid-upload: only an error before the answer fails the call.
 */
function postChunked(url: string, body: string): Promise<Answer> {
  const bytes = Buffer.from(body);
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: 'POST', headers: { 'content-type': FORM } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, contentType: response.headers['content-type'], text }),
      );
    });
    request.on('error', reject);
    const chunk = 64 * 1024;
    for (let offset = 0; offset < bytes.length; offset += chunk) {
      request.write(bytes.subarray(offset, offset + chunk));
    }
    request.end();
  });
}

let deals = 0;

/** A verified event (configured token) about a deal of its own, so that none is a duplicate of another. */
function authenticEvent(padding = 0): string {
  deals += 1;
  return (
    `event=ONCRMDEALUPDATE&data%5BFIELDS%5D%5BID%5D=${deals}&ts=1723538517` +
    `&auth%5Bapplication_token%5D=${APPLICATION_TOKEN}&auth%5Bmember_id%5D=m1&auth%5Bdomain%5D=portal.example` +
    (padding > 0 ? `&data%5BFIELDS%5D%5BPAD%5D=${'a'.repeat(padding)}` : '')
  );
}

/** BITRIX24_WEBHOOK_BODY_LIMIT_BYTES holds for the bytes the parser reads, whether or not Content-Length says so. */
describe('Bitrix24 webhook body limit', () => {
  let harness: ApiHarness;
  const inboxRows = async () => {
    const [row] = await harness.db.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM inbox_events WHERE source = 'bitrix24'`,
    );
    return Number(row.n);
  };

  beforeAll(async () => {
    harness = await startApiHarness({ BITRIX24_APPLICATION_TOKEN: APPLICATION_TOKEN });
    // Under the global limit, over the webhook's: only the route's own limit can refuse it.
    expect(PADDING).toBeLessThan(harness.config.http.bodyLimitBytes);
    expect(PADDING).toBeGreaterThan(harness.config.bitrix24.webhook.bodyLimitBytes);
  });
  afterAll(() => harness.close());

  it('answers 413 problem+json to a chunked 900 KB authentic event, and stores nothing', async () => {
    const answer = await postChunked(`${harness.url}${WEBHOOK}`, authenticEvent(PADDING));
    expect(answer.status).toBe(413);
    expect(answer.contentType).toContain('application/problem+json');
    expect(JSON.parse(answer.text)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(await inboxRows()).toBe(0);
  });

  it('answers 413 to the same event with Content-Length', async () => {
    const response = await fetch(`${harness.url}${WEBHOOK}`, {
      method: 'POST',
      headers: { 'content-type': FORM },
      body: authenticEvent(PADDING),
    });
    expect(response.status).toBe(413);
    expect(await inboxRows()).toBe(0);
  });

  it('accepts a chunked authentic event under the limit', async () => {
    const answer = await postChunked(`${harness.url}${WEBHOOK}`, authenticEvent());
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ status: 'accepted' });
    expect(await inboxRows()).toBe(1);
  });

  it('leaves other routes at the global limit', async () => {
    const response = await postJson(`${harness.url}/test/form`, { pad: 'a'.repeat(PADDING) });
    expect(response.status).toBe(200);
  });
});
