import iconv from 'iconv-lite';
import { encodeReply, ExchangeReply } from './exchange-reply';

describe('encodeReply', () => {
  it('joins the lines with \\n and no trailing line break, in windows-1251 as 1C-Bitrix answers', () => {
    const encoded = encodeReply(ExchangeReply.progress('Импорт: 10 из 20'), 'windows-1251');
    expect(encoded.contentType).toBe('text/plain; charset=windows-1251');
    expect(encoded.body.equals(iconv.encode('progress\nИмпорт: 10 из 20', 'win1251'))).toBe(true);
  });

  it('writes UTF-8 when configured', () => {
    const encoded = encodeReply(ExchangeReply.lines('zip=yes', 'file_limit=204800'), 'utf-8');
    expect(encoded).toEqual({
      contentType: 'text/plain; charset=utf-8',
      body: Buffer.from('zip=yes\nfile_limit=204800'),
    });
  });

  it('keeps a reason on its line: line breaks inside it would shift what 1C reads next', () => {
    const encoded = encodeReply(ExchangeReply.failure('XML_REFUSED: bad\r\nline'), 'utf-8');
    expect(encoded.body.toString()).toBe('failure\nXML_REFUSED: bad line');
  });

  it('passes XML through with its charset', () => {
    const body = Buffer.from('<x/>');
    expect(encodeReply(ExchangeReply.xml(body), 'windows-1251')).toEqual({
      contentType: 'application/xml; charset=windows-1251',
      body,
    });
  });
});
