import { ExchangeFilenameErrorCode, sanitizeExchangeFilename, UnsafeExchangeFilenameError } from './exchange-filename';

function rejection(name: string, options?: Parameters<typeof sanitizeExchangeFilename>[1]): unknown {
  try {
    sanitizeExchangeFilename(name, options);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('sanitizeExchangeFilename', () => {
  it.each([
    ['import0_1.xml', 'import0_1.xml'],
    ['offers___2b0f6d2a-1a4e-4d3e-9a0e-1c7b3f0e9d11.xml', 'offers___2b0f6d2a-1a4e-4d3e-9a0e-1c7b3f0e9d11.xml'],
    ['v8_1A76_155ae.zip', 'v8_1A76_155ae.zip'],
    ['import_files/bd/bd72d927_80a7832b.jpg', 'import_files/bd/bd72d927_80a7832b.jpg'],
    ['import_files\\bd\\bd72d927_80a7832b.jpg', 'import_files/bd/bd72d927_80a7832b.jpg'],
    ['Выгрузка заказов.xml', 'Выгрузка заказов.xml'],
    ['a..b.xml', 'a..b.xml'],
  ])('accepts %j as %j', (name, expected) => {
    expect(sanitizeExchangeFilename(name)).toBe(expected);
  });

  it.each([
    ['', ExchangeFilenameErrorCode.Empty],
    ['../import.xml', ExchangeFilenameErrorCode.DotSegment],
    ['import_files/../../etc/passwd', ExchangeFilenameErrorCode.DotSegment],
    ['..\\..\\windows\\win.ini', ExchangeFilenameErrorCode.DotSegment],
    ['import_files/./a.jpg', ExchangeFilenameErrorCode.DotSegment],
    ['..', ExchangeFilenameErrorCode.DotSegment],
    ['/etc/passwd', ExchangeFilenameErrorCode.AbsolutePath],
    ['\\\\server\\share\\import.xml', ExchangeFilenameErrorCode.AbsolutePath],
    ['\\import.xml', ExchangeFilenameErrorCode.AbsolutePath],
    ['C:\\1c\\import.xml', ExchangeFilenameErrorCode.DriveOrStream],
    ['c:import.xml', ExchangeFilenameErrorCode.DriveOrStream],
    ['import.xml:$DATA', ExchangeFilenameErrorCode.DriveOrStream],
    ['import_files//a.jpg', ExchangeFilenameErrorCode.EmptySegment],
    ['import_files/', ExchangeFilenameErrorCode.EmptySegment],
    ['import.xml\u0000.jpg', ExchangeFilenameErrorCode.ControlCharacter],
    ['import\n.xml', ExchangeFilenameErrorCode.ControlCharacter],
    ['photo\u202Egpj.exe', ExchangeFilenameErrorCode.ControlCharacter],
    ['import.xml.', ExchangeFilenameErrorCode.PaddedSegment],
    ['import.xml ', ExchangeFilenameErrorCode.PaddedSegment],
    [' import_files/a.jpg', ExchangeFilenameErrorCode.PaddedSegment],
    ['a/b/c/d/e/f/g/h/i.xml', ExchangeFilenameErrorCode.TooDeep],
    [`${'a'.repeat(252)}.xml`, ExchangeFilenameErrorCode.TooLong],
    [`import_files/${'я'.repeat(130)}.jpg`, ExchangeFilenameErrorCode.TooLong],
  ])('rejects %j with %s', (name, code) => {
    const error = rejection(name);

    expect(error).toBeInstanceOf(UnsafeExchangeFilenameError);
    expect(error).toMatchObject({ code, filename: name });
  });

  it('explains the rejection in the message', () => {
    expect(rejection('../import.xml')).toMatchObject({
      message: 'Unsafe exchange file name "../import.xml": ".." segments are not allowed',
    });
  });

  it('honours custom length and depth limits', () => {
    expect(rejection('import0_1.xml', { maxLength: 8 })).toMatchObject({ code: ExchangeFilenameErrorCode.TooLong });
    expect(rejection('import_files/a.jpg', { maxDepth: 1 })).toMatchObject({ code: ExchangeFilenameErrorCode.TooDeep });
    expect(sanitizeExchangeFilename('a/b/c/d/e/f/g/h/i.xml', { maxDepth: 9 })).toBe('a/b/c/d/e/f/g/h/i.xml');
  });
});
