// Forecasts: run a model, show where each issue settles and every actor's
// position round by round, and compare the models run so far. A forecast
// runs in the request, or as a job (a progress bar and a cancel button) for
// scenarios large enough that KTAB's SMP takes seconds.

import { api, errorText } from '../api';
import { mountChart, PALETTE } from '../charts';
import { append, clear, fmt, h, setMessage } from '../dom';
import { hook } from '../hook';
import { pastJobs, resultPanel } from '../jobs';
import type { Route } from '../main';
import { MODELS, modelLabel } from '../models';
import type { Forecast, ForecastIssue } from '../types';
import type { ScenarioContext } from './scenario';

/**
 * From this many actors on, "Run forecast" starts a job by default: KTAB's
 * SMP takes about a second at 300 actors and half a minute at 1,000.
 */
const JOB_FROM_ACTORS = 300;

/** Forecasts already run, per (scenario, version): the comparison table reads them. */
const cache = new Map<string, Map<string, Forecast | { error: string }>>();

function runsOf(ctx: ScenarioContext): Map<string, Forecast | { error: string }> {
  const k = `${ctx.id}@${ctx.version}`;
  if (!cache.has(k)) cache.set(k, new Map());
  return cache.get(k)!;
}

/** A value in the issue's units, and the option it stands for on an ordered issue. */
export function valueText(issue: ForecastIssue, x: number, nearest?: string): string {
  if (issue.options && issue.options.length) {
    const name = nearest ?? issue.options[Math.max(0, Math.min(issue.options.length - 1, Math.round(x)))];
    // An option's own index is that option; anything between is near one.
    return Math.abs(x - Math.round(x)) < 1e-9 ? `${fmt(x)} (${name})` : `${fmt(x)} (≈ ${name})`;
  }
  return fmt(x);
}

function unitText(issue: ForecastIssue): string {
  if (issue.options && issue.options.length) return issue.options.map((o, k) => `${k} = ${o}`).join(', ');
  return `${fmt(issue.min)} to ${fmt(issue.max)}${issue.unit ? `, ${issue.unit}` : ''}`;
}

function shortUnit(issue: ForecastIssue): string {
  if (issue.options && issue.options.length) return 'option index';
  if (!issue.unit) return '';
  const cut = issue.unit.split(/[(;]/)[0].trim();
  return cut.length > 45 ? `${cut.slice(0, 44)}…` : cut;
}

function yAxisFor(issue: ForecastIssue): Record<string, unknown> {
  const opts = issue.options;
  return {
    type: 'value',
    min: issue.min,
    max: issue.max,
    interval: opts ? 1 : undefined,
    axisLabel: opts
      ? { formatter: (v: number) => (Number.isInteger(v) && opts[v] !== undefined ? (opts[v].length > 16 ? `${opts[v].slice(0, 15)}…` : opts[v]) : '') }
      : { formatter: (v: number) => fmt(v) },
  };
}

/**
 * One issue: every actor's position round by round (a line per actor) for the
 * models with rounds; for the closed-form models, the actors' positions on
 * the issue's scale. The forecast is the black line.
 */
function trajectoryChart(el: HTMLElement, f: Forecast, k: number): void {
  const issue = f.issues[k];
  const rounds = f.trajectory.length;
  const forecastLine = (axis: 'xAxis' | 'yAxis') => ({
    symbol: 'none',
    silent: true,
    lineStyle: { color: '#000', width: 2, type: 'solid' },
    label: {
      formatter: `forecast ${fmt(f.outcome[issue.id])}`,
      position: axis === 'yAxis' ? 'insideEndTop' : 'start',
      backgroundColor: 'rgba(255,255,255,0.85)',
      padding: [1, 3],
    },
    data: [{ [axis]: f.outcome[issue.id] }],
  });
  const title = {
    text: issue.name,
    subtext: issue.options?.length ? '' : shortUnit(issue),
    left: 8,
    top: 4,
    textStyle: { fontSize: 13, fontWeight: 'bold' },
    subtextStyle: { fontSize: 11 },
    itemGap: 6,
  };
  if (rounds <= 1) {
    // Closed form: a dot per actor on the issue's scale.
    const names = f.actors.map((a) => a.name);
    const axis = yAxisFor(issue);
    mountChart(`trajectory-${issue.id}`, el, {
      title,
      grid: { left: 120, right: 24, top: 56, bottom: 34 },
      tooltip: { trigger: 'item', formatter: (p: { name: string; value: number[] }) => `${names[p.value[1]]}: ${fmt(p.value[0])}` },
      xAxis: { ...axis, axisLabel: { ...(axis.axisLabel as object), hideOverlap: true } },
      yAxis: {
        type: 'category',
        data: names,
        inverse: true,
        axisLabel: { width: 110, overflow: 'truncate' },
      },
      series: [
        {
          name: 'Positions',
          type: 'scatter',
          symbolSize: 11,
          data: f.actors.map((a, ai) => ({ value: [f.trajectory[0]?.[ai]?.[k], ai], itemStyle: { color: PALETTE[ai % PALETTE.length] }, name: a.name })),
          markLine: forecastLine('xAxis'),
        },
      ],
    });
    return;
  }
  const series: Record<string, unknown>[] = f.actors.map((a, ai) => ({
    name: a.name,
    type: 'line',
    data: f.trajectory.map((round, t) => [t, round[ai]?.[k]]),
    symbol: 'none',
    lineStyle: { width: 1.5, type: ai >= PALETTE.length ? 'dashed' : 'solid' },
    itemStyle: { color: PALETTE[ai % PALETTE.length] },
  }));
  series.push({ name: 'Forecast', type: 'line', data: [], markLine: forecastLine('yAxis') });
  mountChart(`trajectory-${issue.id}`, el, {
    title,
    grid: { left: issue.options ? 110 : 50, right: 16, top: 56, bottom: 42 },
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => fmt(v) },
    xAxis: { type: 'value', name: 'round', nameLocation: 'middle', nameGap: 24, min: 0, max: Math.max(1, rounds - 1), minInterval: 1 },
    yAxis: yAxisFor(issue),
    series,
  });
}

function showForecast(out: HTMLElement, f: Forecast): void {
  clear(out);
  out.dataset.model = f.model;
  out.dataset.stop = f.stop;
  const stop = f.stop === 'closed-form' ? 'closed form' : `${f.stop} after ${f.rounds} round${f.rounds === 1 ? '' : 's'}`;
  append(
    out,
    h('h2', {}, `${modelLabel(f.model)}: ${stop}`),
    f.warnings?.length ? h('ul', { class: 'warnings' }, f.warnings.map((w) => h('li', {}, w))) : null,
    f.cycles?.length
      ? h(
          'ul',
          { class: 'warnings', id: 'forecast-cycles' },
          f.cycles.map((c) => {
            const issue = f.issues.find((i) => i.id === c.issue);
            const settles = c.outcomes.map((x) => (issue ? valueText(issue, x) : fmt(x))).join(', then ');
            return h(
              'li',
              { 'data-issue': c.issue },
              `${issue?.name ?? c.issue}: the positions repeat every ${c.period} rounds from round ${c.since_round}; the issue settles at ${settles}, in turn, so this forecast (the last round’s) depends on the round limit.`,
            );
          }),
        )
      : null,
    h(
      'table',
      { id: 'forecast-table' },
      h('caption', {}, 'Where each issue settles, in the issue’s units'),
      h('thead', {}, h('tr', {}, ['Issue', 'Forecast', 'Share of the scale', 'Scale'].map((x) => h('th', { scope: 'col' }, x)))),
      h(
        'tbody',
        {},
        f.issues.map((i) =>
          h(
            'tr',
            { 'data-issue': i.id },
            h('th', { scope: 'row' }, i.name),
            h('td', { class: 'num forecast-value' }, valueText(i, f.outcome[i.id], f.nearest_option?.[i.id])),
            h('td', { class: 'num' }, f.outcome_normalised ? `${fmt(100 * f.outcome_normalised[i.id], 3)}%` : '—'),
            h('td', { class: 'unit' }, unitText(i)),
          ),
        ),
      ),
    ),
    h(
      'h3',
      {},
      f.trajectory.length > 1
        ? `Positions round by round (${f.rounds} rounds)`
        : 'Positions (a closed-form model: no rounds; the black line is the forecast)',
    ),
    h(
      'p',
      { class: 'legend-html', 'aria-label': 'Actors' },
      f.actors.map((a, ai) => h('span', {}, h('i', { style: `background:${PALETTE[ai % PALETTE.length]}` }), `${a.name} (capability ${fmt(a.capability)})`)),
      h('span', {}, h('i', { style: 'background:#000' }), 'forecast'),
    ),
  );
  const grid = h('div', { class: 'small-multiples', id: 'trajectories' });
  out.append(grid);
  f.issues.forEach((_, k) => {
    const el = h('div', { class: 'chart chart-small' });
    grid.append(el);
    trajectoryChart(el, f, k);
  });
  hook().forecast = { model: f.model, stop: f.stop, rounds: f.rounds, outcome: f.outcome };
}

function compareTable(box: HTMLElement, ctx: ScenarioContext): void {
  clear(box);
  const runs = runsOf(ctx);
  if (runs.size === 0) {
    box.append(h('p', { class: 'muted' }, 'Run models to compare them here, or compare all six at once.'));
    return;
  }
  const models = MODELS.map((m) => m.id).filter((m) => runs.has(m));
  const issues = ctx.detail.spec.issues;
  const ok = (m: string): Forecast | null => {
    const x = runs.get(m);
    return x && !('error' in x) ? x : null;
  };
  const issueMeta = (id: string): ForecastIssue | undefined => models.map(ok).find((f) => f)?.issues.find((i) => i.id === id);
  box.append(
    h(
      'table',
      { id: 'compare-table' },
      h('caption', {}, 'The models side by side, in each issue’s units (ordered options: the option’s index)'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Issue'), models.map((m) => h('th', { scope: 'col' }, modelLabel(m))))),
      h(
        'tbody',
        {},
        issues.map((i) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, i.name ?? i.id),
            models.map((m) => {
              const f = ok(m);
              const meta = issueMeta(i.id);
              if (!f) return h('td', { class: 'muted' }, '—');
              const v = f.outcome[i.id];
              return h('td', { class: 'num', title: meta ? valueText(meta, v, f.nearest_option?.[i.id]) : '' }, v === undefined ? '—' : fmt(v));
            }),
          ),
        ),
        h(
          'tr',
          { class: 'stop-row' },
          h('th', { scope: 'row' }, 'Stopped'),
          models.map((m) => {
            const x = runs.get(m)!;
            return 'error' in x ? h('td', { class: 'msg-error' }, x.error) : h('td', {}, x.stop === 'closed-form' ? 'closed form' : `${x.stop}, ${x.rounds} rounds`);
          }),
        ),
      ),
    ),
  );
  const c: Record<string, Record<string, number> | { error: string }> = {};
  runs.forEach((v, k) => (c[k] = 'error' in v ? v : v.outcome));
  hook().compare = c;
}

export async function renderForecasts(panel: HTMLElement, r: Route, ctx: ScenarioContext): Promise<void> {
  const status = h('div', { id: 'forecast-status', class: 'status', 'aria-live': 'polite' });
  const out = h('div', { id: 'forecast-result' });
  const compare = h('div', { id: 'compare' });
  const model = h(
    'select',
    { id: 'forecast-model', 'aria-describedby': 'model-help' },
    MODELS.map((m) => h('option', { value: m.id }, m.label)),
  );
  const help = h('small', { id: 'model-help' }, MODELS[0].help);
  model.addEventListener('change', () => (help.textContent = MODELS.find((m) => m.id === model.value)?.help ?? ''));
  const rounds = h('input', { type: 'number', id: 'forecast-rounds', min: 1, step: 1, placeholder: 'default', 'aria-label': 'Round limit' });
  const seed = h('input', { type: 'number', id: 'forecast-seed', min: 0, step: 1, placeholder: 'default', 'aria-label': 'Seed' });
  const params = h('input', { type: 'text', id: 'forecast-params', placeholder: 'e.g. smp.VotingRule=PropCbc, eu.reading=scholz-code', size: 40 });

  const body = (m: string): Parameters<typeof api.forecast>[1] => {
    const b: Parameters<typeof api.forecast>[1] = { version: ctx.version, model: m };
    if (rounds.value) b.rounds = Number(rounds.value);
    if (seed.value) b.seed = Number(seed.value);
    const p = params.value
      .split(/[,\s]+/)
      .map((x) => x.trim())
      .filter(Boolean)
      .filter((x) => x.startsWith(`${m}.`) || !/^(eu|smp)\./.test(x));
    if (p.length) b.params = p;
    return b;
  };

  const run = async (m: string): Promise<Forecast | null> => {
    try {
      const f = await api.forecast(ctx.id, body(m));
      runsOf(ctx).set(m, f);
      return f;
    } catch (e) {
      runsOf(ctx).set(m, { error: errorText(e) });
      throw e;
    }
  };

  const asJob = h('input', {
    type: 'checkbox',
    id: 'forecast-as-job',
    checked: ctx.detail.spec.actors.length >= JOB_FROM_ACTORS,
  });

  const panelJob = resultPanel<Forecast>(r, 'forecast-job', status, (f) => {
    // A past job may have run on another version: show it, compare it only with its own.
    if (f.version === undefined || f.version === ctx.version) runsOf(ctx).set(f.model, f);
    model.value = f.model;
    showForecast(out, f);
    compareTable(compare, ctx);
  });

  const runOne = async (): Promise<void> => {
    if (asJob.checked) {
      clear(status);
      clear(out);
      await panelJob.start({ kind: 'forecast', scenario_id: ctx.id, ...body(model.value) });
      return;
    }
    setMessage(status, 'info', `Running the ${modelLabel(model.value)} model…`);
    try {
      const f = await run(model.value);
      if (!r.alive() || !f) return;
      clear(status);
      showForecast(out, f);
    } catch (e) {
      if (r.alive()) setMessage(status, 'error', errorText(e));
    }
    if (r.alive()) compareTable(compare, ctx);
  };

  const runAll = async (): Promise<void> => {
    setMessage(status, 'info', 'Running every model…');
    const results = await Promise.allSettled(MODELS.map((m) => run(m.id)));
    if (!r.alive()) return;
    const failed = results.filter((x) => x.status === 'rejected').length;
    if (failed) setMessage(status, 'error', `${failed} model${failed === 1 ? '' : 's'} failed; the table says why.`);
    else clear(status);
    compareTable(compare, ctx);
  };

  panel.append(
    h(
      'form',
      {
        class: 'row controls',
        onsubmit: (e: Event) => {
          e.preventDefault();
          void runOne();
        },
      },
      h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Model'), model, help),
      h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Round limit'), rounds),
      h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Seed (SMP)'), seed),
      h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Model parameters'), params),
      h(
        'label',
        { class: 'check inline', title: 'Run it on the server as a job, with a progress bar and a cancel button; on by default for large scenarios' },
        asJob,
        ' As a job',
      ),
      h('button', { type: 'submit', id: 'run-forecast', class: 'primary' }, 'Run forecast'),
      h('button', { type: 'button', id: 'compare-models', onclick: () => void runAll() }, 'Compare all models'),
    ),
    panelJob.el,
    status,
    out,
    h('section', { 'aria-labelledby': 'compare-h' }, h('h2', { id: 'compare-h' }, 'Models compared'), compare),
  );
  compareTable(compare, ctx);
  const last = [...runsOf(ctx).values()].reverse().find((x): x is Forecast => !('error' in x));
  if (last) {
    model.value = last.model;
    showForecast(out, last);
  }
  const past = await pastJobs('forecast', ctx.id, (j) => {
    clear(out);
    void panelJob.watch(j.id);
  });
  if (!r.alive()) return;
  panel.insertBefore(past, panelJob.el);
  const q = ctx.query.get('job');
  if (q) void panelJob.watch(q);
}
