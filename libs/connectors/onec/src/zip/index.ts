export {
  ExchangeFilenameErrorCode,
  sanitizeExchangeFilename,
  UnsafeExchangeFilenameError,
  type ExchangeFilenameOptions,
} from './exchange-filename';
export {
  DEFAULT_SAFE_UNZIP_LIMITS,
  safeUnzip,
  ZipSafetyError,
  ZipSafetyErrorCode,
  type SafeUnzipLimits,
  type SafeUnzipOptions,
  type SafeUnzipResult,
  type UnzippedFile,
} from './safe-unzip';
