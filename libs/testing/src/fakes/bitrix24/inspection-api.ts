import type { FakeBitrix24 } from './fake-bitrix24';
import { isRecord } from './php-values';
import type { FaultRule, OutgoingWebhookConfig, ScriptedFault } from './types';

type Body = Record<string, unknown>;
type Route = [method: string, path: RegExp, run: (fake: FakeBitrix24, match: string[], body: Body) => unknown];

const fieldsOf = (body: Body): Record<string, unknown> => (isRecord(body.fields) ? body.fields : {});

/** `/_fake/*`: the JS test API over HTTP, one route per call, for benchmarks, demos and other processes. */
const ROUTES: Route[] = [
  ['GET', /^state$/, (fake) => ({ webhookUrl: fake.webhookUrl, oauth: fake.oauth, stats: fake.stats })],
  ['GET', /^stats$/, (fake) => fake.stats],
  ['GET', /^requests$/, (fake) => fake.requests],
  ['DELETE', /^requests$/, (fake) => fake.clearRequests()],
  ['GET', /^items\/(\d+)$/, (fake, [, type]) => fake.items(Number(type))],
  ['GET', /^products$/, (fake) => fake.products()],
  ['GET', /^users$/, (fake) => fake.users()],
  ['GET', /^tasks$/, (fake) => fake.tasks()],
  ['GET', /^offline-events$/, (fake) => fake.offlineEvents()],
  ['GET', /^handlers$/, (fake) => fake.handlers()],
  ['GET', /^deliveries$/, (fake) => fake.deliveries],
  ['POST', /^deliveries\/settle$/, (fake) => fake.settleDeliveries()],
  ['POST', /^seed$/, (fake, _, body) => fake.seed(body)],
  ['PUT', /^faults$/, (fake, _, body) => fake.setFaults(body.rules as FaultRule[], body.seed as number | undefined)],
  ['POST', /^faults\/script$/, (fake, _, body) => fake.scriptFault(body as unknown as ScriptedFault)],
  ['DELETE', /^faults$/, (fake) => fake.clearFaults()],
  ['PUT', /^limits$/, (fake, _, body) => fake.setLimits(body)],
  ['PUT', /^delivery$/, (fake, _, body) => fake.setDeliveryEnabled(body.enabled === true)],
  ['POST', /^outgoing-webhooks$/, (fake, _, body) => fake.addOutgoingWebhook(body as unknown as OutgoingWebhookConfig)],
  ['POST', /^oauth\/expire$/, (fake) => fake.expireAccessTokens()],
  ['POST', /^ui\/items\/(\d+)$/, (fake, [, type], body) => fake.uiAddItem(Number(type), fieldsOf(body), body)],
  [
    'PATCH',
    /^ui\/items\/(\d+)\/(\d+)$/,
    (fake, [, type, id], body) => fake.uiUpdateItem(Number(type), Number(id), fieldsOf(body), body),
  ],
  [
    'DELETE',
    /^ui\/items\/(\d+)\/(\d+)$/,
    (fake, [, type, id], body) => fake.uiDeleteItem(Number(type), Number(id), body),
  ],
  ['POST', /^ui\/products$/, (fake, _, body) => fake.uiAddProduct(fieldsOf(body), body)],
  ['PATCH', /^ui\/products\/(\d+)$/, (fake, [, id], body) => fake.uiUpdateProduct(Number(id), fieldsOf(body), body)],
  ['DELETE', /^ui\/products\/(\d+)$/, (fake, [, id], body) => fake.uiDeleteProduct(Number(id), body)],
  ['PATCH', /^ui\/tasks\/(\d+)$/, (fake, [, id], body) => fake.uiUpdateTask(Number(id), fieldsOf(body), body)],
];

export async function handleInspection(
  fake: FakeBitrix24,
  method: string,
  url: URL,
  rawBody: string,
): Promise<{ status: number; body: unknown }> {
  const path = url.pathname.replace(/^\/_fake\//, '').replace(/\/$/, '');
  const route = ROUTES.find(([routeMethod, pattern]) => routeMethod === method && pattern.test(path));
  if (!route) {
    return { status: 404, body: { error: `No fake route ${method} /_fake/${path}` } };
  }
  const [, pattern, run] = route;
  try {
    const parsed: unknown = rawBody.trim() === '' ? {} : JSON.parse(rawBody);
    const result: unknown = await run(fake, pattern.exec(path) ?? [], isRecord(parsed) ? parsed : {});
    return { status: 200, body: result ?? { ok: true } };
  } catch (error) {
    return { status: 400, body: { error: error instanceof Error ? error.message : String(error) } };
  }
}
