#!/usr/bin/env node
// `npm run build`: compiles apps, libs, migrations, bench and scripts with swc into dist/. It builds into a fresh
// directory and swaps it in with renames, so processes already running from dist/ (a test's worker, a benchmark)
// never see a half-written or emptied tree, and files of deleted sources never linger.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const fresh = join(root, `.dist-build-${process.pid}`);
const previous = join(root, `.dist-previous-${process.pid}`);
const swc = join(root, 'node_modules', '.bin', 'swc');
const CONSOLE_ASSETS = 'libs/console/assets';

const result = spawnSync(
  swc,
  // The console's browser files are served as written: copied below, never compiled to CommonJS.
  [
    'apps',
    'libs',
    'migrations',
    'bench',
    'scripts',
    '-d',
    fresh,
    '--copy-files',
    '--quiet',
    '--ignore',
    CONSOLE_ASSETS,
  ],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
if (result.status !== 0) {
  rmSync(fresh, { recursive: true, force: true });
  process.exit(result.status ?? 1);
}
cpSync(join(root, CONSOLE_ASSETS), join(fresh, CONSOLE_ASSETS), { recursive: true });
const dist = join(root, 'dist');
if (existsSync(dist)) {
  renameSync(dist, previous);
}
renameSync(fresh, dist);
rmSync(previous, { recursive: true, force: true });
