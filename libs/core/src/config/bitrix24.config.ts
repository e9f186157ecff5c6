import type { EnvReader } from './env-reader';

/** Bitrix24 connector settings. Owned by the Bitrix24 connector; extended as it grows. */
export interface Bitrix24Settings {
  /** Incoming-webhook URL (`https://<portal>/rest/<user>/<secret>/`); absent when unconfigured or OAuth is used. */
  readonly webhookUrl?: string;
}

export function readBitrix24Config(read: EnvReader): Bitrix24Settings {
  return {
    webhookUrl: read.url('BITRIX24_WEBHOOK_URL', undefined, ['https:', 'http:']),
  };
}
