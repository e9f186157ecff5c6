import { ApiHarness, startApiHarness } from '../support/api-harness';

/** The client address the app acts on (per-source caps, lockouts, logs), as the probe route reports it. */
async function addressSeen(harness: ApiHarness, forwardedFor?: string): Promise<string> {
  const response = await fetch(`${harness.url}/test/ip`, {
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  });
  return ((await response.json()) as { ip: string }).ip;
}

// The tests connect from 127.0.0.1: the peer is "the ingress" only where TRUST_PROXY lists it.
describe('TRUST_PROXY and X-Forwarded-For', () => {
  describe('unset', () => {
    let harness: ApiHarness;
    beforeAll(async () => (harness = await startApiHarness()));
    afterAll(() => harness.close());

    it('ignores a forged X-Forwarded-For', async () => {
      expect(await addressSeen(harness, '203.0.113.7')).toBe('127.0.0.1');
    });
  });

  describe('listing proxies the caller is not one of', () => {
    let harness: ApiHarness;
    beforeAll(async () => (harness = await startApiHarness({ TRUST_PROXY: '10.244.0.0/16,192.0.2.10' })));
    afterAll(() => harness.close());

    it('ignores X-Forwarded-For from an untrusted peer', async () => {
      expect(await addressSeen(harness, '203.0.113.7')).toBe('127.0.0.1');
      expect(await addressSeen(harness, '10.244.0.9, 203.0.113.7')).toBe('127.0.0.1');
    });
  });

  describe('listing the caller as the proxy', () => {
    let harness: ApiHarness;
    beforeAll(async () => (harness = await startApiHarness({ TRUST_PROXY: '127.0.0.1' })));
    afterAll(() => harness.close());

    it('takes the address the proxy saw, not what the client wrote before it', async () => {
      expect(await addressSeen(harness, '203.0.113.7')).toBe('203.0.113.7');
      // The client sent "X-Forwarded-For: 198.51.100.1"; the proxy appended the address it saw.
      expect(await addressSeen(harness, '198.51.100.1, 203.0.113.7')).toBe('203.0.113.7');
      expect(await addressSeen(harness)).toBe('127.0.0.1');
    });
  });
});
