import { parse } from 'qs';
import { dedupKeyOf, inboxSubjectOf, parseEventBody } from './event-payload';

const form = (text: string) => parse(text, { depth: 8 });

describe('Bitrix24 outbound event bodies', () => {
  it('reads a smart-process event: type from data, ids as strings', () => {
    const event = parseEventBody(
      form(
        'event=ONCRMDYNAMICITEMUPDATE&event_handler_id=5&data%5BFIELDS%5D%5BID%5D=24&data%5BFIELDS%5D%5BENTITY_TYPE_ID%5D=1220&ts=1723538517&auth%5Bmember_id%5D=m&auth%5Bapplication_token%5D=t',
      ),
    );
    expect(event).toMatchObject({
      event: 'ONCRMDYNAMICITEMUPDATE',
      ts: '1723538517',
      auth: { applicationToken: 't', memberId: 'm' },
    });
    expect(event?.subject).toEqual({ type: 'crm', entityTypeId: 1220, id: '24', deleted: false });
    expect(dedupKeyOf(event!)).toBe('ONCRMDYNAMICITEMUPDATE|1220:24|1723538517|5');
    expect(inboxSubjectOf(event!.subject)).toBe('crm:1220:24');
  });

  it('knows the per-type smart-process variant, deals, deletes, products, tasks and the offline signal', () => {
    const subject = (event: string, data: unknown) => parseEventBody({ event, data })?.subject;
    expect(subject('ONCRMDYNAMICITEMDELETE_1036', { FIELDS: { ID: '3' } })).toEqual({
      type: 'crm',
      entityTypeId: 1036,
      id: '3',
      deleted: true,
    });
    expect(subject('onCrmDealAdd', { FIELDS: { ID: '7405' } })).toEqual({
      type: 'crm',
      entityTypeId: 2,
      id: '7405',
      deleted: false,
    });
    expect(subject('CATALOG.PRODUCT.ON.UPDATE', { FIELDS: { ID: '9', TYPE: '1' } })).toEqual({
      type: 'product',
      id: '9',
      deleted: false,
    });
    expect(subject('ONTASKADD', { FIELDS_BEFORE: 'undefined', FIELDS_AFTER: { ID: '123' } })).toEqual({
      type: 'task',
      id: '123',
      deleted: false,
    });
    expect(subject('ONOFFLINEEVENT', [])).toEqual({ type: 'offline_signal' });
    expect(subject('ONSOMETHINGELSE', null)).toEqual({ type: 'other' });
    expect(parseEventBody({ data: {} })).toBeUndefined();
  });
});
