import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeSlack, FakeTelegram, TestClock, waitFor } from '@app/testing';
import { COURIER_A, seedMasterData } from '../deliveries/deliveries-fixtures';
import { type MasterDataHarness, startMasterDataHarness } from '../master-data/master-data-harness';
import { type CashDocumentBody, cashAs, deliveredWithCash, receiptFor } from './cash-fixtures';

const HOUR = 3_600_000;
const GROUP = '-1001234567890';

interface DeviationBody {
  id: string;
  rule: string;
  subject: string;
  label: string;
  status: string;
  resolvedBy: string | null;
}

/**
 * The cash rules watched on the injectable clock (moved forward, never slept on), their deviations, and their
 * alerts in the fake Slack and Telegram: one message when a deviation opens, one when it resolves, a digest for a
 * burst, nothing lost while Telegram is down.
 */
describe('cash SLA: unhanded cash and unposted documents raise one alert each way, a burst a digest', () => {
  let harness: MasterDataHarness;
  let slack: FakeSlack;
  let telegram: FakeTelegram;
  // The courier collects at 11:00 Moscow time (08:00Z); the monitor's day starts an hour later.
  const clock = new TestClock(new Date('2026-12-05T09:00:00Z'));
  const admin = cashAs(() => harness, 'admin');
  const courier = cashAs(() => harness, 'courier', COURIER_A);
  const onecSide = cashAs(() => harness, '1c');

  const evaluate = async (rules: string[]) => {
    const answer = await harness.call('POST', '/api/v1/admin/sla/evaluate', {
      body: { rules },
      idempotencyKey: randomUUID(),
    });
    expect(answer.status).toBe(200);
    return (answer.body as { rules: { rule: string; opened: number; updated: number; resolved: number }[] }).rules[0];
  };
  const deviations = async (query: string) =>
    ((await harness.call('GET', `/api/v1/admin/deviations?${query}`)).body as { items: DeviationBody[] }).items;
  /** Every alert queued so far has reached its channel (or the test fails waiting). */
  const delivered = () =>
    waitFor(
      async () =>
        (
          await harness.query<{ n: number }>(`SELECT count(*)::int AS n FROM notifier_messages WHERE status <> 'sent'`)
        )[0].n === 0,
      { what: 'every alert delivered', timeoutMs: 120_000 },
    );
  const sentToOnec = (id: string) =>
    waitFor(async () => ((await admin.get(`/cash-documents/${id}`)).body as CashDocumentBody).status === 'sent_to_1c', {
      what: `${id} sent to 1C`,
    });

  beforeAll(async () => {
    slack = await FakeSlack.start();
    telegram = await FakeTelegram.start({ chats: [GROUP] });
    const rules = join(mkdtempSync(join(tmpdir(), 'sla-rules-')), 'rules.json');
    writeFileSync(
      rules,
      JSON.stringify({
        rules: {
          cash_not_handed_over: { threshold: '8', severity: 'warning' },
          document_not_posted: { threshold: '60', severity: 'warning' },
        },
      }),
    );
    harness = await startMasterDataHarness({
      clock,
      env: {
        SLA_RULES_FILE: rules,
        SLA_EVALUATE_SECONDS: '0',
        NOTIFY_SLACK_WEBHOOK_URL: slack.webhookUrl,
        NOTIFY_TELEGRAM_BOT_TOKEN: telegram.token,
        NOTIFY_TELEGRAM_CHAT_IDS: GROUP,
        NOTIFY_TELEGRAM_API_URL: telegram.apiUrl,
        NOTIFY_ROUTES: 'critical:slack+telegram,warning:slack+telegram,info:slack',
        NOTIFY_LINK_BASE_URL: 'https://mm.example.ru',
        EVENTS_RELAY_POLL_INTERVAL_MS: '100',
        CASH_FISCAL_RECEIPT: 'required',
      },
    });
    await seedMasterData(harness);
  });

  afterAll(async () => {
    await harness?.close();
    await slack?.close();
    await telegram?.close();
  });

  it('cash unhanded past N hours opens one deviation with one Slack and one Telegram message; the posted ПКО resolves it with one more each', async () => {
    const delivery = await deliveredWithCash(() => harness, 401, '1500.00');
    await waitFor(async () => (await admin.cash(COURIER_A)).cashOnHand === '1500.00', { what: 'the cash on hand' });
    expect(await evaluate(['cash_not_handed_over'])).toMatchObject({ opened: 0 });

    clock.advance(8 * HOUR);
    expect(await evaluate(['cash_not_handed_over'])).toMatchObject({ opened: 1 });
    const [open] = await deviations('rule=cash_not_handed_over&status=open');
    expect(open).toMatchObject({ subject: `courier:${COURIER_A}`, label: 'Иванов' });
    await delivered();
    expect(slack.messages).toHaveLength(1);
    expect(telegram.messagesTo(GROUP)).toHaveLength(1);
    for (const text of [JSON.stringify(slack.messages[0]), telegram.messagesTo(GROUP)[0].text]) {
      expect(text).toContain('Иванов');
      expect(text).toContain(`/api/v1/admin/deviations/${open.id}`);
      expect(text).not.toContain(telegram.token);
    }

    // Still unhanded an hour later: the deviation is updated, nobody is told again.
    clock.advance(HOUR);
    expect(await evaluate(['cash_not_handed_over'])).toMatchObject({ opened: 0, updated: 1 });

    const pko = (
      await courier.create({
        operation: 'customer_payment',
        amount: '1500.00',
        settles: [{ type: 'delivery', id: delivery.id, amount: '1500.00', fiscalReceipt: receiptFor('270.49') }],
      })
    ).body as CashDocumentBody;
    await sentToOnec(pko.id);
    const posted = await onecSide.post(`/${pko.id}/ack`, {
      outcome: 'posted',
      documentNumber: 'ЦБ-1',
      documentDate: '2026-12-05',
    });
    expect(posted.status).toBe(200);
    // The posting asks for the rule's evaluation itself: no scheduled run, no request of ours.
    await waitFor(async () => (await deviations(`rule=cash_not_handed_over&status=resolved`)).length === 1, {
      what: 'the deviation resolved by the posting',
    });
    await delivered();
    expect(slack.messages).toHaveLength(2);
    expect(telegram.messagesTo(GROUP)).toHaveLength(2);
    expect(slack.messages[1].text).toContain('Решено');
    expect(telegram.messagesTo(GROUP)[1].visibleText).toContain('Решено');
  });

  it('50 documents overdue at once: digests within the channels’ limits, every 429 honoured, none lost while Telegram is down for a minute', async () => {
    const slackBefore = slack.messages.length;
    const telegramBefore = telegram.messagesTo(GROUP).length;
    const ids: string[] = [];
    for (let n = 0; n < 50; n += 1) {
      const created = await admin.create({ operation: 'change_fund', courierId: COURIER_A, amount: `${100 + n}.00` });
      expect(created.status).toBe(201);
      ids.push((created.body as CashDocumentBody).id);
    }
    for (const id of ids) {
      await sentToOnec(id);
    }
    await telegram.goDown('unavailable');
    // The documents went to 1C now, by the wall clock: the monitor's clock moves to an hour and a minute later.
    clock.advance(Date.now() - clock.now().getTime() + 61 * 60_000);
    expect(await evaluate(['document_not_posted'])).toMatchObject({ opened: 50 });
    await waitFor(() => Promise.resolve(slack.messages.length > slackBefore), { what: 'the digest in Slack' });

    // A minute without Telegram, then it comes back: what waited goes out, nothing twice in Slack meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 60_000));
    const slackDuringOutage = slack.messages.length;
    await telegram.comeBack();
    await delivered();
    expect(slack.messages.length).toBe(slackDuringOutage);

    const rows = await harness.query<{ channel: string; n: number }>(
      `SELECT channel, count(*)::int AS n FROM notifier_messages WHERE transition = 'opened' AND alert_id = ANY(
         SELECT id::text FROM sla_deviations WHERE rule = 'document_not_posted') GROUP BY channel ORDER BY channel`,
    );
    expect(rows).toEqual([
      { channel: 'slack', n: 50 },
      { channel: `telegram:${GROUP}`, n: 50 },
    ]);
    const slackNew = slack.messages.slice(slackBefore);
    const telegramNew = telegram.messagesTo(GROUP).slice(telegramBefore);
    // Digests: far fewer messages than alerts, each naming how many it carries.
    expect(slackNew.length).toBeLessThan(10);
    expect(telegramNew.length).toBeLessThan(10);
    // Within the limits: at least a second between two messages to one webhook or chat.
    for (const messages of [slackNew, telegramNew]) {
      messages
        .slice(1)
        .forEach((message, index) => expect(message.at - messages[index].at).toBeGreaterThanOrEqual(1000));
    }
    // Every 429 the fakes answered was followed by a success (none left unhandled), and Telegram's outage too.
    expect(await harness.query(`SELECT count(*)::int AS n FROM dead_letters`)).toEqual([{ n: 0 }]);
  }, 180_000);
});
