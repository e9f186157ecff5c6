export { CommerceMlError, CommerceMlErrorCode, type SourcePosition } from './commerceml.errors';
export {
  normalizeBoolean,
  normalizeDate,
  normalizeDateTime,
  normalizeDecimal,
  normalizeSpaces,
  normalizeTime,
} from './commerceml-normalize';
export * from './commerceml.records';
export { CommerceMlSink } from './commerceml-sink.port';
export {
  DEFAULT_COMMERCEML_PARSE_LIMITS,
  parseCommerceMl,
  type CommerceMlParseLimits,
  type ParseCommerceMlOptions,
} from './commerceml.parser';
export type { SaleCounterparty, SaleDocument, SaleItem, SaleTax } from './sale-document';
export {
  serializeSaleDocuments,
  toLocalDateTime,
  type SaleEncoding,
  type SaleSchemaVersion,
  type SerializeSaleDocumentsOptions,
} from './commerceml.writer';
