import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BotMetrics } from '../apps/bot/src/core/bot-metrics.js';
import { WorkerMetrics } from '../apps/worker/src/metrics.js';
import { REPO_ROOT } from './helpers/paths.js';

interface Dashboard {
  panels: { title: string; targets: { expr: string }[] }[];
}

const dashboard = JSON.parse(readFileSync(`${REPO_ROOT}deploy/grafana/parley-dashboard.json`, 'utf8')) as Dashboard;

/** Series names a PromQL expression reads: with grouping clauses and label matchers cut out, the identifiers not called as functions. */
function queried(expr: string): string[] {
  const bare = expr.replace(/\b(by|without)\s*\([^)]*\)/g, '').replace(/\{[^}]*\}/g, '').replace(/\[[^\]]*\]/g, '');
  return [...bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*\b(?!\s*\()/g)].map((m) => m[0]);
}

/** What a scrape of the bot and of a worker would list, histogram series included. */
async function exported(): Promise<Set<string>> {
  const bot = new BotMetrics(async () => undefined);
  const worker = new WorkerMetrics({ getJobCounts: async () => ({}) });
  const names = new Set<string>();
  for (const registry of [bot.registry, worker.registry]) {
    for (const metric of await registry.getMetricsAsJSON()) {
      names.add(metric.name);
      if (String(metric.type) === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(metric.name + suffix);
    }
  }
  return names;
}

describe('deploy/grafana/parley-dashboard.json', () => {
  it('queries only metrics the bot or the worker exports', async () => {
    const known = await exported();
    const used = dashboard.panels.flatMap((p) => p.targets.flatMap((t) => queried(t.expr).map((name) => ({ panel: p.title, name }))));
    expect(used.length).toBeGreaterThan(10);
    expect(used.filter((u) => !known.has(u.name))).toEqual([]);
  });

  it('shows every parley_ metric at least once', async () => {
    const used = new Set(dashboard.panels.flatMap((p) => p.targets.flatMap((t) => queried(t.expr))).map((n) => n.replace(/_(bucket|sum|count)$/, '')));
    const ours = [...(await exported())].filter((n) => n.startsWith('parley_') && !/_(bucket|sum|count)$/.test(n));
    expect(ours.filter((n) => !used.has(n))).toEqual([]);
  });

  it('catches a query of a metric nobody exports', () => {
    expect(queried('sum by (task) (rate(parley_nonexistent_total[5m]))')).toEqual(['parley_nonexistent_total']);
  });
});
