import type { EnvReader } from './env-reader';

/** 1C connector settings (CommerceML exchange endpoint and HTTP-service client). Owned by the 1C connector. */
export interface OnecSettings {
  /** Base URL of 1C's published HTTP service; absent when 1C pulls from the feed instead. */
  readonly httpBaseUrl?: string;
}

export function readOnecConfig(read: EnvReader): OnecSettings {
  return {
    httpBaseUrl: read.url('ONEC_HTTP_BASE_URL', undefined, ['https:', 'http:']),
  };
}
