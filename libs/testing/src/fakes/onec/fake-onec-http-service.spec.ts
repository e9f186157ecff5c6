import { FakeOnecHttpService } from './fake-onec-http-service';

describe('FakeOnecHttpService down and up', () => {
  it('refuses connections while down, then accepts on the same address, keeping what it received', async () => {
    const fake = await FakeOnecHttpService.start();
    const push = (key: string) =>
      fetch(`${fake.url}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify({ id: key }),
      });
    try {
      expect((await push('a')).status).toBe(200);
      const url = fake.url;
      await fake.down();
      await expect(push('b')).rejects.toThrow();
      await fake.up();
      expect(fake.url).toBe(url);
      expect((await push('a')).status).toBe(200);
      expect(fake.received.map((received) => [received.idempotencyKey, received.duplicate])).toEqual([
        ['a', false],
        ['a', true],
      ]);
    } finally {
      await fake.stop();
    }
  });
});
