import { mkdir, rm } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { AppConfig } from '@app/core';
import { Injectable } from '@nestjs/common';

/**
 * The exchange's folder on disk (`ONEC_EXCHANGE_WORK_DIR`): one sub-folder per session, holding what 1C uploaded
 * and what came out of its archives. It must outlive an API restart for an interrupted import to resume, so in
 * Kubernetes it is a volume shared by the API replicas (docs/integrations/1c.md).
 */
@Injectable()
export class ExchangeWorkArea {
  private readonly root: string;

  constructor(config: AppConfig) {
    this.root = resolve(config.onec.exchange.workDir);
  }

  filesDir(sessionId: string): string {
    return join(this.sessionDir(sessionId), 'files');
  }

  /** The path of a sanitised exchange file name; a name that would still leave the session folder is a bug. */
  pathOf(sessionId: string, name: string): string {
    const base = this.filesDir(sessionId);
    const path = resolve(base, name);
    if (!path.startsWith(base + sep)) {
      throw new Error(`${name} resolves outside the session folder`);
    }
    return path;
  }

  /** A private folder for one extraction, beside (not inside) the session's files. */
  scratchDir(sessionId: string, name: string): string {
    return join(this.sessionDir(sessionId), `unpack-${name}`);
  }

  async reset(sessionId: string): Promise<void> {
    await this.remove(sessionId);
    await mkdir(this.filesDir(sessionId), { recursive: true });
  }

  async remove(sessionId: string): Promise<void> {
    await rm(this.sessionDir(sessionId), { recursive: true, force: true });
  }

  private sessionDir(sessionId: string): string {
    if (!/^[0-9a-f-]{36}$/.test(sessionId)) {
      throw new Error(`Not a session id: ${sessionId}`);
    }
    return join(this.root, sessionId);
  }
}
