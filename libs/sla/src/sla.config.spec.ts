import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@app/core';
import { DEFAULT_SLA_RULES } from './domain/sla-rules';
import './sla.config';

const EXAMPLE = join(__dirname, '..', '..', '..', 'docker', 'sla-rules.example.json');

function rulesFile(content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'sla-rules-')), 'rules.json');
  writeFileSync(path, content);
  return path;
}

describe('the SLA configuration', () => {
  it('applies the defaults without a rules file, and evaluates every minute', () => {
    const { sla } = loadConfig({ NODE_ENV: 'test' });
    expect(sla).toEqual({ rules: DEFAULT_SLA_RULES, evaluateMs: 60_000, deviationsRetentionDays: 400 });
  });

  it('reads the example rules file shipped in docker/', () => {
    const { sla } = loadConfig({ NODE_ENV: 'test', SLA_RULES_FILE: EXAMPLE, SLA_EVALUATE_SECONDS: '0' });
    expect(sla.evaluateMs).toBe(0);
    expect(sla.rules.dead_letters_waiting).toEqual({
      enabled: true,
      threshold: '15',
      severity: 'critical',
      channels: ['slack'],
    });
  });

  it('fails the boot on a bad rules file, naming the file and every mistake', () => {
    const path = rulesFile(JSON.stringify({ rules: { sync_lag: { severity: 'loud' }, typo_rule: {} } }));
    expect(() => loadConfig({ NODE_ENV: 'test', SLA_RULES_FILE: path })).toThrow(
      [
        'Invalid configuration:',
        `  - SLA_RULES_FILE ${path} rule sync_lag: severity must be one of info, warning, critical`,
        `  - SLA_RULES_FILE ${path} names an unknown rule "typo_rule"`,
      ].join('\n'),
    );
  });

  it('fails the boot on a file that is not JSON, or is missing', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', SLA_RULES_FILE: rulesFile('{ rules: ') })).toThrow(
      /SLA_RULES_FILE .* cannot be read: .*JSON/,
    );
    expect(() => loadConfig({ NODE_ENV: 'test', SLA_RULES_FILE: '/nonexistent/sla.json' })).toThrow(
      /SLA_RULES_FILE \/nonexistent\/sla\.json cannot be read: .*ENOENT/,
    );
  });
});
