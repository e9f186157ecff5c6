import { portalEntityId } from './inbound-change.port';

describe('portalEntityId', () => {
  it('names one record per kind and item, every time, as a version 8 UUID', () => {
    const id = portalEntityId('instant_order', '1042');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(portalEntityId('instant_order', '1042')).toBe(id);
    expect(portalEntityId('return', '1042')).not.toBe(id);
    expect(portalEntityId('instant_order', '1043')).not.toBe(id);
  });
});
