import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dedupKeyOf, inboxSubjectOf, parseEventBody } from '../../libs/connectors/bitrix24/src/inbound/event-payload';
import { AppError } from '@app/core';
import fc from 'fast-check';
import { sharedFixturesDir } from '../../libs/connectors/onec/test-fixtures/fixture-paths';
import { parseFormBody } from '../../libs/core/src/http/body-parsers';
import { fuzzSettings, propertyParameters } from './support/fuzz-settings';
import { hostileString } from './support/schema-values';

const settings = fuzzSettings(300);
const EVENTS = join(sharedFixturesDir, 'bitrix24', 'events');
/** The outbound event bodies exactly as Bitrix24 sends them (shared fixtures, from the REST documentation). */
const FORMS = readdirSync(EVENTS)
  .filter((file) => file.endsWith('.form.txt'))
  .sort()
  .map((file) => readFileSync(join(EVENTS, file), 'utf8').trim());

/** Pieces of form syntax that stress the PHP-style key parser: brackets, indexes, encodings, prototype keys. */
const formPiece = fc.oneof(
  fc.constantFrom(
    '&',
    '=',
    '[',
    ']',
    '[]',
    '%',
    '%5B',
    '%5D',
    '%00',
    '%E0%A4%A',
    '%FF',
    '+',
    '__proto__[polluted]=1',
    'constructor[prototype][polluted]=1',
    'data[FIELDS][ID][]=1',
    'data[FIELDS][999999999]=1',
    'event[]=ONCRMDEALUPDATE',
    'event=',
    'auth=x',
    'data=x',
  ),
  fc.integer({ min: 1, max: 60 }).map((depth) => `${'a'.repeat(1)}${'[a]'.repeat(depth)}=1`),
  fc.integer({ min: 150, max: 2_500 }).map((count) => Array.from({ length: count }, (_, i) => `k${i}=v`).join('&')),
  fc.integer({ min: 150, max: 400 }).map((count) => Array.from({ length: count }, () => 'a[]=1').join('&')),
  hostileString.map((text) => encodeURIComponent(text.replace(/[\ud800-\udfff]/g, '?'))),
);

/** A real event body spoilt: cut, bytes replaced, or form syntax spliced in, at generated places. */
const hostileForm = fc.oneof(
  fc.tuple(fc.constantFrom(...FORMS), fc.nat()).map(([form, cut]) => form.slice(0, cut % (form.length + 1))),
  fc
    .tuple(
      fc.constantFrom(...FORMS),
      fc.array(fc.tuple(fc.nat(), fc.string({ unit: 'binary', maxLength: 3 })), { maxLength: 8 }),
    )
    .map(([form, flips]) =>
      flips.reduce((text, [at, replacement]) => {
        const index = at % (text.length + 1);
        return text.slice(0, index) + replacement + text.slice(index + 1);
      }, form),
    ),
  fc
    .tuple(fc.constantFrom(...FORMS), fc.array(fc.tuple(fc.nat(), formPiece), { minLength: 1, maxLength: 4 }))
    .map(([form, pieces]) =>
      pieces.reduce((text, [at, piece]) => {
        const index = at % (text.length + 1);
        return `${text.slice(0, index)}${piece}${text.slice(index)}`;
      }, form),
    ),
  fc.array(formPiece, { maxLength: 6 }).map((pieces) => pieces.join('&')),
);

describe('Bitrix24 outbound event bodies under fuzzing', () => {
  it('has the real event bodies to start from', () => {
    expect(FORMS.length).toBeGreaterThan(3);
    for (const form of FORMS) {
      expect(parseEventBody(parseFormBody(form))).toMatchObject({ event: expect.stringMatching(/^ON/) as string });
    }
  });

  it('turns any form body into an event, no event, or a typed BODY_TOO_COMPLEX refusal, and pollutes nothing', () => {
    fc.assert(
      fc.property(hostileForm, (form) => {
        let body: Record<string, unknown>;
        try {
          body = parseFormBody(form);
        } catch (error) {
          expect(error).toBeInstanceOf(AppError);
          expect(error).toMatchObject({ code: 'BODY_TOO_COMPLEX', category: 'invalid_input' });
          return;
        }
        const event = parseEventBody(body);
        if (event !== undefined) {
          expect(typeof event.event).toBe('string');
          expect(event.event).not.toBe('');
          expect(typeof dedupKeyOf(event)).toBe('string');
          const subject = inboxSubjectOf(event.subject);
          expect(subject === undefined || typeof subject === 'string').toBe(true);
        }
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      propertyParameters(settings),
    );
  });
});
