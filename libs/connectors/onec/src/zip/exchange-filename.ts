export enum ExchangeFilenameErrorCode {
  Empty = 'EMPTY',
  TooLong = 'TOO_LONG',
  TooDeep = 'TOO_DEEP',
  ControlCharacter = 'CONTROL_CHARACTER',
  AbsolutePath = 'ABSOLUTE_PATH',
  DriveOrStream = 'DRIVE_OR_STREAM',
  DotSegment = 'DOT_SEGMENT',
  EmptySegment = 'EMPTY_SEGMENT',
  PaddedSegment = 'PADDED_SEGMENT',
}

export class UnsafeExchangeFilenameError extends Error {
  constructor(
    readonly code: ExchangeFilenameErrorCode,
    readonly filename: string,
    reason: string,
  ) {
    super(`Unsafe exchange file name ${JSON.stringify(filename)}: ${reason}`);
    this.name = 'UnsafeExchangeFilenameError';
  }
}

export interface ExchangeFilenameOptions {
  /** Characters in the whole path; default 255. */
  maxLength?: number;
  /** Path segments; default 8 (1C uses two: `import_files/bd/<guid>.jpg`). */
  maxDepth?: number;
}

// Linux refuses longer directory entries; Cyrillic names reach it at half the character count.
const MAX_SEGMENT_BYTES = 255;
// C0 and C1 controls, DEL, and the bidirectional overrides that make `gpj.exe` display as `exe.jpg`.
function isForbiddenCharacter(code: number): boolean {
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

/**
 * Validates a file name that 1C sends (`mode=file&filename=…`) or that an archive from 1C contains, and returns it
 * as a relative path with `/` separators. Subfolders are allowed (`import_files/ab/abc.jpg`); backslashes count as
 * separators, as 1C on Windows may send them and 1C-Bitrix converts them. Anything that could leave the exchange
 * directory, or that names the same file in a different spelling, is refused rather than repaired.
 */
export function sanitizeExchangeFilename(name: string, options: ExchangeFilenameOptions = {}): string {
  const maxLength = options.maxLength ?? 255;
  const maxDepth = options.maxDepth ?? 8;
  const fail = (code: ExchangeFilenameErrorCode, reason: string): never => {
    throw new UnsafeExchangeFilenameError(code, name, reason);
  };
  if (name.length === 0) {
    fail(ExchangeFilenameErrorCode.Empty, 'the name is empty');
  }
  if (name.length > maxLength) {
    fail(ExchangeFilenameErrorCode.TooLong, `longer than ${maxLength} characters`);
  }
  if ([...name].some((char) => isForbiddenCharacter(char.charCodeAt(0)))) {
    fail(ExchangeFilenameErrorCode.ControlCharacter, 'contains a control or direction-override character');
  }
  const path = name.replace(/\\/g, '/');
  if (path.startsWith('/')) {
    fail(ExchangeFilenameErrorCode.AbsolutePath, 'absolute paths are not allowed');
  }
  if (path.includes(':')) {
    fail(ExchangeFilenameErrorCode.DriveOrStream, 'drive letters and NTFS streams (":") are not allowed');
  }
  const segments = path.split('/');
  if (segments.length > maxDepth) {
    fail(ExchangeFilenameErrorCode.TooDeep, `more than ${maxDepth} path segments`);
  }
  for (const segment of segments) {
    if (segment === '') {
      fail(ExchangeFilenameErrorCode.EmptySegment, 'contains an empty path segment');
    }
    if (segment === '.' || segment === '..') {
      fail(ExchangeFilenameErrorCode.DotSegment, `"${segment}" segments are not allowed`);
    }
    // Windows silently drops trailing dots and spaces, so `a.xml.` and `a.xml` would be the same file there.
    if (segment !== segment.trim() || segment.endsWith('.')) {
      fail(ExchangeFilenameErrorCode.PaddedSegment, 'a segment starts or ends with a space, or ends with a dot');
    }
    if (Buffer.byteLength(segment) > MAX_SEGMENT_BYTES) {
      fail(ExchangeFilenameErrorCode.TooLong, `a segment is longer than ${MAX_SEGMENT_BYTES} bytes`);
    }
  }
  return path;
}
