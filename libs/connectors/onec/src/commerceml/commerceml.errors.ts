export enum CommerceMlErrorCode {
  MalformedXml = 'MALFORMED_XML',
  DoctypeForbidden = 'DOCTYPE_FORBIDDEN',
  UnsupportedEncoding = 'UNSUPPORTED_ENCODING',
  EncodingMismatch = 'ENCODING_MISMATCH',
  EmptyDocument = 'EMPTY_DOCUMENT',
  NotCommerceMl = 'NOT_COMMERCEML',
  TextTooLong = 'TEXT_TOO_LONG',
  TooDeep = 'TOO_DEEP',
  RecordTooLarge = 'RECORD_TOO_LARGE',
  MissingId = 'MISSING_ID',
  InvalidSaleDocument = 'INVALID_SALE_DOCUMENT',
}

export interface SourcePosition {
  line: number;
  column: number;
}

/**
 * Everything the CommerceML parser or writer rejects. `line`/`column` (1-based) point into the decoded document when
 * the failure is tied to a place in it, so an operator can open the file 1C sent and look.
 */
export class CommerceMlError extends Error {
  constructor(
    readonly code: CommerceMlErrorCode,
    message: string,
    readonly position?: SourcePosition,
  ) {
    super(position ? `${message} (line ${position.line}, column ${position.column})` : message);
    this.name = 'CommerceMlError';
  }
}
