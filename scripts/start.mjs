#!/usr/bin/env node
// `npm start`: builds when the sources are newer than the build, then runs the API and the worker side by side
// (the API applies pending migrations at boot outside production). Ctrl-C stops both; if one dies, both stop.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const marker = join(root, 'dist', 'apps', 'api', 'src', 'main.js');

function newestSource(directory) {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      newest = Math.max(newest, newestSource(path));
    } else if (entry.name.endsWith('.ts')) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

const sources = ['apps', 'libs', 'migrations', 'scripts'].map((dir) => join(root, dir)).filter(existsSync);
if (!existsSync(marker) || Math.max(...sources.map(newestSource)) > statSync(marker).mtimeMs) {
  console.log('Building…');
  const build = spawnSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) {
    process.exit(build.status ?? 1);
  }
}

const telemetry = join(root, 'dist', 'libs', 'core', 'src', 'telemetry', 'register.js');
const children = ['api', 'worker'].map((app) =>
  spawn(process.execPath, ['--require', telemetry, join(root, 'dist', 'apps', app, 'src', 'main.js')], {
    cwd: root,
    stdio: 'inherit',
    env: process.env,
  }),
);

let exitCode = 0;
let stopping = false;
const stopAll = (signal) => {
  if (stopping) {
    return;
  }
  stopping = true;
  for (const child of children) {
    if (child.exitCode === null) {
      child.kill(signal);
    }
  }
};
for (const child of children) {
  child.on('exit', (code, signal) => {
    if (!stopping) {
      exitCode = code ?? (signal ? 1 : 0);
      stopAll('SIGTERM');
    }
    if (children.every((other) => other.exitCode !== null || other.signalCode !== null)) {
      process.exit(exitCode);
    }
  });
}
process.on('SIGINT', () => stopAll('SIGINT'));
process.on('SIGTERM', () => stopAll('SIGTERM'));
