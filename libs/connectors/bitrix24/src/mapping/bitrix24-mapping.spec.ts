import { TEST_ENTITY_KINDS } from '@app/testing';
import type { Bitrix24EntityKind } from '../ports/entity-kind.port';
import { loadMappingFile, MappingValidationError, validateMapping } from './bitrix24-mapping';
import { EntityCodec } from './entity-codec';

/** What the domain libs register; the connector itself knows only the representations. */
const KINDS = TEST_ENTITY_KINDS;

const VALID = {
  entities: {
    delivery: {
      entityTypeId: 1036,
      categoryId: 12,
      fields: { title: 'title', amount: 'opportunity', onecId: 'ufCrm5_OnecId' },
      stages: { new: 'DT1036_12:NEW', delivered: 'DT1036_12:SUCCESS' },
    },
    instant_order: { entityTypeId: 1040, fields: { title: 'title' } },
    return: { entityTypeId: 1044 },
    company: { fields: { name: 'title' } },
    contact: { entityTypeId: 3, fields: { name: 'name' } },
    product: { iblockId: 23, fields: { name: 'name', price: 'purchasingPrice' } },
    courier: { externalIdField: 'UF_USR_1C_ID', fields: { name: 'NAME' } },
  },
};

function problemsOf(raw: unknown, kinds: readonly Bitrix24EntityKind[] = KINDS): readonly string[] {
  try {
    validateMapping(raw, kinds);
  } catch (error) {
    if (error instanceof MappingValidationError) {
      return error.problems;
    }
    throw error;
  }
  return [];
}

describe('Bitrix24 mapping', () => {
  it('accepts a complete mapping and fills in the fixed CRM types and id schemes', () => {
    const mapping = validateMapping(VALID, KINDS);
    expect(mapping.entities.delivery).toMatchObject({
      representation: 'crm_item',
      entityTypeId: 1036,
      externalId: 'xmlId',
    });
    expect(mapping.entities.company).toMatchObject({
      representation: 'crm_item',
      entityTypeId: 4,
      externalId: 'originId',
    });
    expect(mapping.entities.product).toMatchObject({ representation: 'catalog_product', iblockId: 23 });
    expect(mapping.entities.courier).toMatchObject({ representation: 'user', externalIdField: 'UF_USR_1C_ID' });
  });

  it('reports every problem at once', () => {
    expect(
      problemsOf({
        entities: {
          delivery: { entityTypeId: 2, stages: { new: 'A', done: 'A' }, fields: { id: 'xmlId', x: 'not a code' } },
          company: { entityTypeId: 3, stages: { new: 'X' } },
          product: {},
          courier: {},
          lorry: {},
        },
        extra: 1,
      }),
    ).toEqual([
      'unknown top-level key "extra"',
      'entities.delivery.fields.id: xmlId is set by the connector itself and cannot be mapped',
      'entities.delivery.fields.x: "not a code" is not a Bitrix24 field code',
      'entities.delivery.entityTypeId: delivery must be a smart process (entityTypeId >= 128), got 2',
      'entities.delivery.stages.done: stage A is already mapped from "new" (the map must be one-to-one)',
      'entities.company.entityTypeId: company is CRM type 4, got 3',
      'entities.company.stages: companies have no stages',
      'entities.product.iblockId: a positive integer is required',
      'entities.courier.externalIdField: a user field code such as UF_USR_1C_ID is required',
    ]);
    expect(problemsOf('just text')).toEqual(['the document needs an `entities` object']);
    expect(problemsOf({ entities: { product: { iblockId: 23, stages: {} } } })).toEqual([
      'entities.product.stages: unknown key (allowed: fields, iblockId)',
    ]);
  });

  it('maps any registered kind by its representation, and ignores (lists) entries for kinds nobody registered', () => {
    const mapping = validateMapping(
      { entities: { counterparty: { fields: { name: 'title' } }, lorry: { wheels: 6 } } },
      [{ name: 'counterparty', representation: 'company' }],
    );
    expect(mapping.entities.counterparty).toMatchObject({ entityTypeId: 4, externalId: 'originId' });
    expect(mapping.ignoredKinds).toEqual(['lorry']);
    expect(mapping.entities).not.toHaveProperty('lorry');
  });

  it('refuses two kinds where an event or a port could not tell them apart', () => {
    expect(
      problemsOf({
        entities: {
          delivery: { entityTypeId: 1036 },
          return: { entityTypeId: 1036 },
          product: { iblockId: 23 },
          courier: { externalIdField: 'UF_USR_1C_ID' },
        },
      }),
    ).toEqual([
      'entities.return.entityTypeId: delivery is already mapped to CRM type 1036, which can hold one kind only',
    ]);
    expect(
      problemsOf({ entities: { product: { iblockId: 23 }, spare_part: { iblockId: 24 } } }, [
        ...KINDS,
        { name: 'spare_part', representation: 'catalog_product' },
      ]),
    ).toEqual(['entities.spare_part: product is already mapped to catalog products, which can hold one kind only']);
  });

  it('maps our list fields to multi-field types of companies and contacts, with an optional value type', () => {
    const mapping = validateMapping(
      {
        entities: {
          company: {
            fields: { name: 'title', active: 'ufCrm_MM_ACTIVE' },
            multiFields: { phones: 'PHONE', emails: { type: 'EMAIL', valueType: 'WORK' } },
          },
          contact: {
            multiFields: {
              phones: { type: 'PHONE', valueType: 'WORK' },
              mobiles: { type: 'PHONE', valueType: 'MOBILE' },
            },
          },
        },
      },
      KINDS,
    );
    expect(mapping.entities.company).toMatchObject({
      fields: { name: 'title', active: 'ufCrm_MM_ACTIVE' },
      multiFields: { phones: { type: 'PHONE' }, emails: { type: 'EMAIL', valueType: 'WORK' } },
    });
    expect(mapping.entities.contact).toMatchObject({
      multiFields: { mobiles: { type: 'PHONE', valueType: 'MOBILE' } },
    });
    expect(validateMapping(VALID, KINDS).entities.delivery).toMatchObject({ multiFields: {} });
  });

  it('reports multi-fields it cannot write safely', () => {
    expect(
      problemsOf({
        entities: {
          company: {
            fields: { phones: 'ufCrm_Phones', raw: 'fm' },
            multiFields: {
              phones: 'PHONE',
              mobiles: { type: 'PHONE', valueType: 'MOBILE' },
              faxes: { type: 'PHONE', valueType: 'TELEX' },
              pager: 'PAGER',
              emails: { type: 'EMAIL', label: 'x' },
            },
          },
          contact: {
            multiFields: { a: { type: 'EMAIL', valueType: 'HOME' }, b: { type: 'EMAIL', valueType: 'HOME' } },
          },
          delivery: { entityTypeId: 1036, multiFields: { phones: 'PHONE' } },
        },
      }),
    ).toEqual([
      'entities.company.fields.raw: fm is set by the connector itself and cannot be mapped',
      'entities.company.multiFields.phones: is also a key of fields: a field of ours is a plain field or a multi-field',
      'entities.company.multiFields.mobiles: owns the same values as "phones": give each a different valueType',
      expect.stringMatching(
        /^entities\.company\.multiFields\.faxes: give one of PHONE, EMAIL, WEB, IM, or \{ type, valueType \}/,
      ),
      expect.stringMatching(/^entities\.company\.multiFields\.pager: give one of/),
      expect.stringMatching(/^entities\.company\.multiFields\.emails: give one of/),
      'entities.contact.multiFields.b: owns the same values as "a": give each a different valueType',
      'entities.delivery.multiFields: unknown key (allowed: fields, entityTypeId, categoryId, stages)',
    ]);
  });

  it('refuses a file it cannot read, which stops the process at boot', () => {
    expect(() => loadMappingFile('/nonexistent/bitrix24-mapping.yaml', KINDS)).toThrow(MappingValidationError);
  });

  describe('codec', () => {
    const mapping = validateMapping(VALID, KINDS);
    const delivery = new EntityCodec(mapping.entities.delivery as never, 'mastermobile');
    const company = new EntityCodec(mapping.entities.company as never, 'mastermobile');

    it('writes our id where the lookup finds it, the category on create only, the stage of our status', () => {
      const request = {
        kind: 'delivery' as const,
        externalId: 'g-1',
        fields: { title: 'T', amount: 5, unmapped: 1 },
        status: 'delivered',
      };
      expect(delivery.fields(request, true)).toEqual({
        title: 'T',
        opportunity: 5,
        xmlId: 'g-1',
        categoryId: 12,
        stageId: 'DT1036_12:SUCCESS',
      });
      expect(delivery.fields(request, false)).not.toHaveProperty('categoryId');
      expect(company.fields({ kind: 'company', externalId: 'c-1', fields: { name: 'LLC' } }, true)).toEqual({
        title: 'LLC',
        originatorId: 'mastermobile',
        originId: 'c-1',
      });
      expect(() => delivery.fields({ ...request, status: 'teleported' }, true)).toThrow(/has no stage/);
    });

    it('hashes what the portal shows the same whatever the echo format, and maps a stage back to our status', () => {
      const written = {
        id: 1,
        title: 'T',
        opportunity: 5,
        ufCrm5_OnecId: null,
        stageId: 'DT1036_12:SUCCESS',
        updatedTime: '2026-01-01T10:00:00+03:00',
      };
      const echoed = { ...written, opportunity: '5.00', ufCrm5_OnecId: '', updatedTime: '2026-01-01T10:00:05+03:00' };
      expect(delivery.contentHash(echoed)).toBe(delivery.contentHash(written));
      expect(delivery.contentHash({ ...written, title: 'Changed' })).not.toBe(delivery.contentHash(written));
      expect(delivery.toOurs(written)).toEqual({
        fields: { title: 'T', amount: 5, onecId: null },
        status: 'delivered',
      });
      expect(delivery.updatedAt(written)?.toISOString()).toBe('2026-01-01T07:00:00.000Z');
    });
  });
});
