import type { AppConfig, UnitOfWork } from '@app/core';
import { TestClock } from '@app/testing';
import type { Deviation, NewDeviation } from '../domain/deviation';
import { DEFAULT_SLA_RULES } from '../domain/sla-rules';
import { DeviationAlerts } from './ports/deviation-alerts.port';
import { DeviationStore } from './ports/deviation-store.port';
import type { Breach, ProbeContext, SlaProbe, SlaRuleId } from './ports/sla-probe.port';
import { SlaMonitor } from './sla-monitor';
import type { SlaProbes } from './sla-probes';

/** The deviations' table in memory: only what the monitor uses. */
class MemoryStore extends DeviationStore {
  readonly rows: Deviation[] = [];
  lockRule = () => Promise.resolve();
  openOf = (rule: SlaRuleId) => Promise.resolve(this.rows.filter((d) => d.rule === rule && d.status === 'open'));
  resolvedByAdmin = () => Promise.resolve([]);
  open(deviations: readonly NewDeviation[]) {
    const opened = deviations.map(({ rule, breach, severity, threshold, seenAt }, index) => ({
      ...breach,
      id: `${rule}-${this.rows.length + index}`,
      rule,
      severity,
      threshold,
      status: 'open' as const,
      firstSeen: seenAt,
      lastSeen: seenAt,
      resolvedAt: null,
      resolvedBy: null,
      comment: null,
    }));
    this.rows.push(...opened);
    return Promise.resolve(opened);
  }
  refresh(id: string, breach: Breach, settings: { seenAt: Date }) {
    this.replace(id, { value: breach.value, lastSeen: settings.seenAt });
    return Promise.resolve();
  }
  resolve(ids: readonly string[], resolution: { at: Date; by: 'monitor' | 'admin' }) {
    return Promise.resolve(
      ids.map((id) => this.replace(id, { status: 'resolved', resolvedAt: resolution.at, resolvedBy: resolution.by })),
    );
  }
  byId = () => Promise.reject(new Error('unused'));
  list = () => Promise.reject(new Error('unused'));
  report = () => Promise.reject(new Error('unused'));
  purgeResolved = () => Promise.reject(new Error('unused'));

  private replace(id: string, change: Partial<Deviation>): Deviation {
    const index = this.rows.findIndex((row) => row.id === id);
    this.rows[index] = { ...this.rows[index], ...change };
    return this.rows[index];
  }
}

class RecordingAlerts extends DeviationAlerts {
  readonly told: string[] = [];
  announce(transitions: readonly { transition: string; deviation: Deviation }[]) {
    this.told.push(...transitions.map(({ transition, deviation }) => `${transition} ${deviation.subject}`));
    return Promise.resolve();
  }
}

describe('the SLA monitor', () => {
  const clock = new TestClock(new Date('2026-12-06T10:00:00Z'));
  let store: MemoryStore;
  let alerts: RecordingAlerts;
  let breaches: Breach[];
  let seen: ProbeContext[];

  const probe: SlaProbe = {
    rule: 'dead_letters_waiting',
    breaches: (context) => {
      seen.push(context);
      return Promise.resolve(breaches);
    },
  };
  const monitor = (rules = DEFAULT_SLA_RULES) =>
    new SlaMonitor(
      { sla: { rules, evaluateMs: 0 } } as unknown as AppConfig,
      { of: (rule: SlaRuleId) => (rule === probe.rule ? probe : undefined) } as unknown as SlaProbes,
      store,
      alerts,
      { run: (work: () => Promise<unknown>) => work() } as unknown as UnitOfWork,
      clock,
    );
  const breach = (subject: string, value = '16.0'): Breach => ({
    subject,
    label: subject,
    courierId: null,
    value,
    since: new Date('2026-12-06T09:00:00Z'),
    link: '/x',
  });

  beforeEach(() => {
    store = new MemoryStore();
    alerts = new RecordingAlerts();
    breaches = [];
    seen = [];
  });

  it('tells an opening and a resolution once each, however often the breach is seen in between', async () => {
    breaches = [breach('dead-letters:onec')];
    expect((await monitor().evaluate(['dead_letters_waiting'])).rules).toEqual([
      { rule: 'dead_letters_waiting', outcome: 'evaluated', breaches: 1, opened: 1, updated: 0, resolved: 0 },
    ]);
    breaches = [breach('dead-letters:onec', '17.0')];
    await monitor().evaluate(['dead_letters_waiting']);
    expect(store.rows).toEqual([expect.objectContaining({ status: 'open', value: '17.0' })]);
    breaches = [];
    expect((await monitor().evaluate(['dead_letters_waiting'])).rules[0]).toMatchObject({ resolved: 1 });
    expect(alerts.told).toEqual(['opened dead-letters:onec', 'resolved dead-letters:onec']);
    expect(seen.map((context) => context.threshold)).toEqual(['15', '15', '15']);
  });

  it('skips a disabled rule and a rule without a probe, without asking a probe', async () => {
    const rules = {
      ...DEFAULT_SLA_RULES,
      dead_letters_waiting: { ...DEFAULT_SLA_RULES.dead_letters_waiting, enabled: false },
    };
    const { rules: results } = await monitor(rules).evaluate(['dead_letters_waiting', 'sync_lag']);
    expect(results.map((result) => [result.rule, result.outcome])).toEqual([
      ['dead_letters_waiting', 'disabled'],
      ['sync_lag', 'no_probe'],
    ]);
    expect(seen).toEqual([]);
  });

  it('never judges a rule at an instant before the evaluation that last saw it', async () => {
    breaches = [breach('dead-letters:onec')];
    const later = new Date(clock.now().getTime() + 5_000);
    await store.open([
      { rule: 'dead_letters_waiting', breach: breaches[0], severity: 'critical', threshold: '15', seenAt: later },
    ]);
    await monitor().evaluate(['dead_letters_waiting']);
    expect(seen[0].now).toEqual(later);
    expect(store.rows[0].lastSeen).toEqual(later);
  });
});
