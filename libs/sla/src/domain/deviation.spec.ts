import type { Breach } from '../application/ports/sla-probe.port';
import { type Deviation, planEvaluation } from './deviation';

const SINCE = new Date('2026-12-01T08:00:00Z');

const breach = (subject: string, since = SINCE, value = '20.0'): Breach => ({
  subject,
  label: subject,
  courierId: null,
  value,
  since,
  link: `/x/${subject}`,
});

const deviation = (subject: string, since = SINCE): Deviation => ({
  id: `id-${subject}`,
  rule: 'dead_letters_waiting',
  subject,
  label: subject,
  courierId: null,
  severity: 'critical',
  status: 'open',
  value: '16.0',
  threshold: '15',
  since,
  firstSeen: SINCE,
  lastSeen: SINCE,
  resolvedAt: null,
  resolvedBy: null,
  comment: null,
  link: `/x/${subject}`,
});

describe('an evaluation of a rule', () => {
  it('opens a deviation for a new breach, updates one still in breach, resolves one that cleared', () => {
    const plan = planEvaluation([deviation('a'), deviation('b')], [], [breach('a', SINCE, '30.0'), breach('c')]);
    expect(plan.open).toEqual([breach('c')]);
    expect(plan.update).toEqual([{ deviation: deviation('a'), breach: breach('a', SINCE, '30.0') }]);
    expect(plan.resolve).toEqual([deviation('b')]);
  });

  it('changes nothing when the snapshot matches the open deviations', () => {
    const plan = planEvaluation([deviation('a')], [], [breach('a')]);
    expect(plan).toEqual({ open: [], update: [{ deviation: deviation('a'), breach: breach('a') }], resolve: [] });
  });

  it('does not reopen the episode an operator resolved, but opens the next episode of that subject', () => {
    const later = new Date('2026-12-01T09:00:00Z');
    const resolved = [{ subject: 'a', since: new Date(SINCE.getTime()) }];
    expect(planEvaluation([], resolved, [breach('a')]).open).toEqual([]);
    expect(planEvaluation([], resolved, [breach('a', later)]).open).toEqual([breach('a', later)]);
  });

  it('keeps an open deviation open whatever an operator resolved before it', () => {
    const plan = planEvaluation([deviation('a')], [{ subject: 'a', since: SINCE }], [breach('a')]);
    expect(plan.update).toHaveLength(1);
    expect(plan.open).toEqual([]);
  });

  it('opens one deviation for a subject a probe names twice', () => {
    expect(planEvaluation([], [], [breach('a'), breach('a', SINCE, '99.0')]).open).toEqual([breach('a')]);
  });
});
