/**
 * Every metric an alert rule or a Grafana dashboard names is one the apps export: the names are read from the
 * `/metrics` of the API and the worker, started in-process with the domain libs after a delivery flow (1C ships,
 * the courier's outcome is pushed back to 1C), so no panel or alert watches a metric that does not exist.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor, type FakeOnecHttpService } from '@app/testing';
import { parseAllDocuments } from 'yaml';
import {
  COURIER_A,
  deliveriesAs,
  type DeliveryBody,
  shipment,
  startWithFakeOnec,
} from '../deliveries/deliveries-fixtures';
import type { MasterDataHarness } from '../master-data/master-data-harness';
import { REPO_ROOT } from './config-variables';

const OBSERVABILITY = join(REPO_ROOT, 'docker', 'observability');

/**
 * Series Prometheus makes itself rather than scrapes: a metric-name check cannot find them in `/metrics`.
 * Keep this list short, with the reason of each.
 */
const NOT_EXPORTED_BY_THE_APPS: Record<string, string> = {
  up: 'Prometheus sets it for every scrape target (1 scraped, 0 not)',
};

const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'inf',
  'nan',
]);

/** The metric names a PromQL expression reads (not its functions, keywords, labels, strings or durations). */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const match of bare.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const name = match[0];
    const next = bare.slice((match.index ?? 0) + name.length).trimStart();
    const previous = bare.slice(0, match.index).trimEnd();
    if (next.startsWith('(') || KEYWORDS.has(name.toLowerCase()) || /[0-9.]$/.test(previous)) {
      continue; // a function call, a keyword, or the unit of a number such as 5m
    }
    names.add(name);
  }
  return [...names];
}

/** Metric names in a Prometheus text exposition, with the series a histogram or a summary expands to. */
function exportedNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name);
    if (type === 'histogram') {
      ['_bucket', '_sum', '_count'].forEach((suffix) => names.add(name + suffix));
    } else if (type === 'summary') {
      ['_sum', '_count'].forEach((suffix) => names.add(name + suffix));
    }
  }
  return names;
}

interface Named {
  where: string;
  expr: string;
}

function ruleExprs(): { exprs: Named[]; recorded: Set<string> } {
  const rules = parseAllDocuments(readFileSync(join(OBSERVABILITY, 'alerts.yaml'), 'utf8'))[0].toJS() as {
    groups: { rules: { alert?: string; record?: string; expr: string }[] }[];
  };
  const all = rules.groups.flatMap((group) => group.rules);
  return {
    exprs: all.map((rule) => ({ where: `alerts.yaml ${rule.alert ?? rule.record}`, expr: String(rule.expr) })),
    recorded: new Set(all.flatMap((rule) => (rule.record ? [rule.record] : []))),
  };
}

function dashboardExprs(): Named[] {
  return readdirSync(join(OBSERVABILITY, 'dashboards'))
    .filter((file) => file.endsWith('.json'))
    .flatMap((file) => {
      const model = JSON.parse(readFileSync(join(OBSERVABILITY, 'dashboards', file), 'utf8')) as {
        panels: { title: string; targets?: { expr: string }[] }[];
      };
      return model.panels.flatMap((panel) =>
        (panel.targets ?? []).map((target) => ({ where: `${file} "${panel.title}"`, expr: target.expr })),
      );
    });
}

/** `where: name` for each metric an expression names that is neither exported, recorded, nor Prometheus's own. */
function unknownMetrics(exprs: Named[], exported: Set<string>, recorded: Set<string>): string[] {
  return exprs.flatMap(({ where, expr }) =>
    metricNames(expr)
      .filter((name) => !exported.has(name) && !recorded.has(name) && !(name in NOT_EXPORTED_BY_THE_APPS))
      .map((name) => `${where}: ${name}`),
  );
}

describe('the metric names of the alert rules and dashboards', () => {
  it('extracts metric names from PromQL, not functions, labels, keywords or durations', () => {
    expect(
      metricNames(
        'histogram_quantile(0.95, sum by (le, route) (rate(http_request_duration_seconds_bucket{status=~"5.."}[5m]))) > 1',
      ),
    ).toEqual(['http_request_duration_seconds_bucket']);
    expect(
      metricNames('max by (portal) (bitrix24_circuit_state) == 2 and on (job) time() - up{job="a|b"} offset 5m > 1e3'),
    ).toEqual(['bitrix24_circuit_state', 'up']);
    expect(metricNames('slo:api_error_ratio:rate1h > (14.4 * 0.001)')).toEqual(['slo:api_error_ratio:rate1h']);
    expect(metricNames('process_open_fds / process_max_fds')).toEqual(['process_open_fds', 'process_max_fds']);
  });

  it('expands histograms to their series and flags a name no app exports', () => {
    const exported = exportedNames(
      '# HELP a_seconds x\n# TYPE a_seconds histogram\na_seconds_bucket{le="1"} 0\n# TYPE b_total counter\n',
    );
    expect([...exported].sort()).toEqual([
      'a_seconds',
      'a_seconds_bucket',
      'a_seconds_count',
      'a_seconds_sum',
      'b_total',
    ]);
    const panel = {
      where: 'invented.json "Invented"',
      expr: 'sum(rate(a_seconds_count[5m])) / sum(rate(invented_total[5m]))',
    };
    expect(unknownMetrics([panel], exported, new Set())).toEqual(['invented.json "Invented": invented_total']);
    expect(
      unknownMetrics([{ where: 'rule', expr: 'up == 0 or slo:x:rate5m > 1' }], exported, new Set(['slo:x:rate5m'])),
    ).toEqual([]);
  });

  describe('against the running apps', () => {
    let harness: MasterDataHarness;
    let onec: FakeOnecHttpService;
    const onecSide = deliveriesAs(() => harness, '1c');
    const courier = deliveriesAs(() => harness, 'courier', COURIER_A);

    beforeAll(async () => {
      ({ harness, onec } = await startWithFakeOnec());
    });
    afterAll(async () => {
      await harness?.close();
      await onec?.stop();
    });

    it('exports every metric an alert rule or a dashboard names', async () => {
      // A delivery from 1C, delivered by the courier: its outcome is pushed to 1C through the outbox.
      const created = await onecSide.post('', shipment(1));
      expect(created.status).toBe(201);
      const { id } = created.body as DeliveryBody;
      const status = (value: string, extra: Record<string, unknown> = {}) => ({
        status: value,
        occurredAt: '2026-12-05T11:00:00+03:00',
        ...extra,
      });
      expect((await courier.post(`/${id}/status`, status('accepted'))).status).toBe(200);
      expect((await courier.post(`/${id}/status`, status('in_transit'))).status).toBe(200);
      expect((await courier.post(`/${id}/status`, status('delivered', { cashCollected: '116.99' }))).status).toBe(200);
      await waitFor(async () => Promise.resolve(onec.received.length > 0), { what: '1C receiving the confirmation' });

      const scrape = async (url: string) => {
        const response = await fetch(url);
        expect(response.status).toBe(200);
        return response.text();
      };
      const exported = new Set([
        ...exportedNames(await scrape(`${harness.middleware.api.url}/metrics`)),
        ...exportedNames(await scrape(`http://127.0.0.1:${harness.middleware.worker!.opsPort}/metrics`)),
      ]);
      expect(exported.has('http_request_duration_seconds_bucket')).toBe(true);

      const { exprs, recorded } = ruleExprs();
      const checked = [...exprs, ...dashboardExprs()];
      expect(checked.length).toBeGreaterThan(80);
      expect(unknownMetrics(checked, exported, recorded)).toEqual([]);
    });
  });
});
