import { DEFAULT_SLA_RULES, parseSlaRules, withUnit } from './sla-rules';

const parse = (raw: unknown) => {
  const problems: string[] = [];
  return { book: parseSlaRules(raw, (message) => problems.push(message)), problems };
};

describe('the SLA rules file', () => {
  it('overrides the defaults rule by rule and setting by setting', () => {
    const { book, problems } = parse({
      rules: {
        sync_lag: { threshold: '5', channels: ['ops'] },
        cash_on_hand_over_limit: { threshold: '30000.50', severity: 'warning', enabled: false },
      },
    });
    expect(problems).toEqual([]);
    expect(book.sync_lag).toEqual({ enabled: true, threshold: '5', severity: 'warning', channels: ['ops'] });
    expect(book.cash_on_hand_over_limit).toEqual({
      enabled: false,
      threshold: '30000.50',
      severity: 'warning',
      channels: [],
    });
    expect(book.dead_letters_waiting).toBe(DEFAULT_SLA_RULES.dead_letters_waiting);
  });

  it('takes an empty document, or one without rules, as the defaults', () => {
    expect(parse({})).toEqual({ book: DEFAULT_SLA_RULES, problems: [] });
    expect(parse({ rules: {} })).toEqual({ book: DEFAULT_SLA_RULES, problems: [] });
  });

  it('reports every mistake at once, naming the rule and the setting', () => {
    const { book, problems } = parse({
      rules: {
        speed_limit: { threshold: '1' },
        sync_lag: { threshold: 10, severity: 'fatal', channels: ['Ops Room'], enabled: 'yes', colour: 'red' },
        cod_mismatch: { threshold: '-1.00' },
        document_not_posted: { threshold: '1e3' },
        advance_not_reported: 'three days',
      },
    });
    expect(problems).toEqual([
      'names an unknown rule "speed_limit" (known: cash_not_handed_over, document_not_posted, advance_not_reported, ' +
        'cash_on_hand_over_limit, cod_mismatch, posted_amount_mismatch, confirmation_not_acknowledged, ' +
        'dead_letters_waiting, sync_lag)',
      'rule sync_lag: unknown setting "colour" (known: enabled, threshold, severity, channels)',
      'rule sync_lag: enabled must be true or false',
      'rule sync_lag: threshold must be a non-negative decimal string in minutes (e.g. "10")',
      'rule sync_lag: severity must be one of info, warning, critical',
      'rule sync_lag: channels must be a list of channel names (lower-case letters, digits, - and _)',
      'rule cod_mismatch: threshold must be a non-negative decimal string in roubles (e.g. "0.00")',
      'rule document_not_posted: threshold must be a non-negative decimal string in minutes (e.g. "60")',
      'rule advance_not_reported: must be an object',
    ]);
    expect(book).toEqual(DEFAULT_SLA_RULES);
  });

  it('refuses a document of another shape', () => {
    for (const raw of [[], 'rules', null, { rules: [] }, { rule: {} }]) {
      expect(parse(raw).problems).toEqual(['must be a JSON object { "rules": { "<rule>": { ... } } }']);
    }
  });

  it('writes values with their unit', () => {
    expect(withUnit('cash_not_handed_over', '12.5')).toBe('12.5 h');
    expect(withUnit('cash_on_hand_over_limit', '51000.00')).toBe('51000.00 RUB');
    expect(withUnit('sync_lag', '11.0')).toBe('11.0 min');
    expect(withUnit('advance_not_reported', '4')).toBe('4 d');
  });
});
