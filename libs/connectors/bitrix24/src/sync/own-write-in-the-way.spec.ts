import { ownWriteInTheWay, WRITE_ANSWER_WINDOW_MS } from './entity-link.repository';

describe('a re-read that a write of ours may have overtaken', () => {
  const readFrom = new Date('2026-12-06T10:00:00.000Z');
  const now = readFrom.getTime() + 50;
  const at = (offsetMs: number) => new Date(readFrom.getTime() + offsetMs);

  it('cannot be compared while an update of ours is on its way, until the mark is too old to be a live write', () => {
    expect(ownWriteInTheWay({ writingSince: at(-10), writtenAt: at(-5_000) }, readFrom, now)).toBe('on its way');
    expect(
      ownWriteInTheWay({ writingSince: at(-WRITE_ANSWER_WINDOW_MS), writtenAt: null }, readFrom, now),
    ).toBeUndefined();
  });

  it('cannot be compared when the answer of a write was recorded after the read began, even by a microsecond', () => {
    expect(ownWriteInTheWay({ writingSince: null, writtenAt: at(0) }, readFrom, now)).toBe('answered during the read');
    expect(ownWriteInTheWay({ writingSince: null, writtenAt: at(20) }, readFrom, now)).toBe('answered during the read');
  });

  it('is compared when our last write was answered before the read began, or there is no link yet', () => {
    expect(ownWriteInTheWay({ writingSince: null, writtenAt: at(-1) }, readFrom, now)).toBeUndefined();
    expect(ownWriteInTheWay({ writingSince: null, writtenAt: null }, readFrom, now)).toBeUndefined();
    expect(ownWriteInTheWay(undefined, readFrom, now)).toBeUndefined();
  });
});
