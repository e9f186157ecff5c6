import { createReadStream, existsSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { resolve } from 'node:path';
import { sharedFolder } from '@app/testing';

/** The shared real-world samples (not copied into the repository where their source declares no licence). */
export const sharedFixturesDir = process.env.SHARED_FIXTURES_DIR ?? resolve(sharedFolder(), 'fixtures');

export function sharedCommerceMlFixture(relativePath: string): string {
  const path = resolve(sharedFixturesDir, 'commerceml', relativePath);
  if (!existsSync(path)) {
    throw new Error(`Shared fixture ${path} is missing; point SHARED_FIXTURES_DIR at the shared fixtures folder`);
  }
  return path;
}

/** The official CommerceML schema kept beside the protocol notes, e.g. `sharedCommerceMlXsd('2.10')`. */
export function sharedCommerceMlXsd(version: '2.08' | '2.10'): string {
  return resolve(sharedFixturesDir, '../design/protocols/commerceml-xsd', `commerceml-${version}.xsd`);
}

/** A file under libs/connectors/onec/test-fixtures, e.g. `onecFixture('not-ok/xxe/external-entity.xml')`. */
export function onecFixture(relativePath: string): string {
  return resolve(__dirname, relativePath);
}

export function openFixture(path: string): Readable {
  return createReadStream(path, { highWaterMark: 16 * 1024 });
}
