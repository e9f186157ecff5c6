import { redactUrl } from './redaction';

describe('redactUrl', () => {
  it.each([
    [
      'https://portal.bitrix24.ru/rest/1/s3cr3t/crm.item.add',
      'https://portal.bitrix24.ru/rest/1/[REDACTED]/crm.item.add',
    ],
    ['https://hooks.slack.com/services/T0001/B0001/s3cr3t', 'https://hooks.slack.com/services/[REDACTED]'],
    [
      'https://api.telegram.org/bot123456:AAbb-s3cr3t/sendMessage',
      'https://api.telegram.org/bot[REDACTED]/sendMessage',
    ],
    [
      'https://user:pass@example.com/x?token=s3cr3t&page=2',
      'https://%5BREDACTED%5D@example.com/x?token=%5BREDACTED%5D&page=2',
    ],
  ])('removes the secret of %s', (url, redacted) => {
    expect(redactUrl(url)).toBe(redacted);
    expect(redactUrl(url)).not.toContain('s3cr3t');
  });
});
