import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findRepoRoot } from '@app/testing';
import { format } from 'prettier';

/**
 * Replaces one `## …` section of docs/benchmarks.md with fresh figures (the heading must start the section text)
 * and formats the file as the repository's prettier settings want, so `npm run lint` stays green after a run.
 */
export async function updateBenchmarksSection(section: string): Promise<void> {
  const heading = section.split('\n', 1)[0];
  const path = join(findRepoRoot(), 'docs', 'benchmarks.md');
  const current = readFileSync(path, 'utf8');
  const start = current.indexOf(heading);
  if (start < 0) {
    throw new Error(`docs/benchmarks.md has no section "${heading}"`);
  }
  const next = current.indexOf('\n## ', start + heading.length);
  const updated = `${current.slice(0, start)}${section.trimEnd()}\n${next < 0 ? '' : current.slice(next)}`;
  writeFileSync(
    path,
    await format(updated, { parser: 'markdown', filepath: path, singleQuote: true, printWidth: 120 }),
  );
}
