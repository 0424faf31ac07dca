// Sensitivity: a Monte Carlo job per model; the tornado of the inputs that
// move each issue most, and the distribution of each issue's forecast.

import { mountChart, PALETTE, type ChartOption } from '../charts';
import { append, clear, fmt, h } from '../dom';
import { hook } from '../hook';
import { pastJobs, resultPanel } from '../jobs';
import type { Route } from '../main';
import { MODELS, modelLabel } from '../models';
import type { ForecastIssue, Sensitivity, SensitivityIssue, TornadoBar } from '../types';
import type { ScenarioContext } from './scenario';
import { actorNames } from './space';

const LOW = PALETTE[0];
const HIGH = PALETTE[1];
const TOP = 10;

function inputLabel(t: TornadoBar, names: Record<string, string>, issues: Record<string, string>): string {
  const who = names[t.actor] ?? t.actor;
  if (t.parameter === 'capability' || !t.issue) return `${who} · ${t.parameter}`;
  return `${who} · ${t.parameter} on ${issues[t.issue] ?? t.issue}`;
}

function shortUnit(i: ForecastIssue | undefined): string {
  if (!i) return '';
  if (i.options?.length) return 'option index';
  const u = (i.unit ?? '').split(/[(;]/)[0].trim();
  return u.length > 50 ? `${u.slice(0, 49)}…` : u;
}

function tornadoOption(s: SensitivityIssue, meta: ForecastIssue | undefined, names: Record<string, string>, issueNames: Record<string, string>): ChartOption {
  const bars = s.tornado
    .slice()
    .sort((a, b) => b.swing - a.swing)
    .slice(0, TOP)
    .reverse(); // largest on top
  const labels = bars.map((t) => inputLabel(t, names, issueNames));
  return {
    title: { text: `${s.name}: largest swings (tornado)`, left: 8, top: 2, textStyle: { fontSize: 13 } },
    grid: { left: 230, right: 24, top: 52, bottom: 48 },
    tooltip: {
      trigger: 'item',
      formatter: (p: { dataIndex: number }) => {
        const t = bars[p.dataIndex];
        return `${labels[p.dataIndex]}<br>at its low value: ${fmt(t.low)}<br>at its high value: ${fmt(t.high)}<br>swing ${fmt(t.swing)}, ρ = ${fmt(t.rank_correlation, 2)}`;
      },
    },
    xAxis: {
      type: 'value',
      name: `${s.name}${shortUnit(meta) ? ` (${shortUnit(meta)})` : ''}`,
      nameLocation: 'middle',
      nameGap: 26,
      scale: true,
      axisLabel: { formatter: (v: number) => fmt(v) },
    },
    yAxis: { type: 'category', data: labels, axisLabel: { width: 220, overflow: 'truncate' } },
    series: [
      {
        name: 'Tornado',
        type: 'custom',
        data: bars.map((t, k) => [k, t.low, t.high]),
        encode: { x: [1, 2], y: 0 },
        renderItem: (
          _params: unknown,
          api: {
            value: (d: number) => number;
            coord: (v: [number, number]) => [number, number];
            size: (v: [number, number]) => [number, number];
          },
        ) => {
          const k = api.value(0);
          const low = api.value(1);
          const high = api.value(2);
          const [bx, y] = api.coord([s.base, k]);
          const [lx] = api.coord([low, k]);
          const [hx] = api.coord([high, k]);
          const bh = api.size([0, 1])[1] * 0.6;
          const rect = (x1: number, color: string) => ({
            type: 'rect',
            shape: { x: Math.min(bx, x1), y: y - bh / 2, width: Math.max(1, Math.abs(x1 - bx)), height: bh },
            style: { fill: color },
          });
          // The longer bar first, so a shorter one on the same side stays visible.
          const parts = [rect(lx, LOW), rect(hx, HIGH)];
          if (Math.abs(hx - bx) < Math.abs(lx - bx)) parts.reverse();
          return { type: 'group', children: parts };
        },
        markLine: {
          symbol: 'none',
          silent: true,
          lineStyle: { color: '#000', width: 1.5 },
          label: { formatter: `base ${fmt(s.base)}`, position: 'end' },
          data: [{ xAxis: s.base }],
        },
      },
    ],
  };
}

function histogramOption(s: SensitivityIssue, meta: ForecastIssue | undefined): ChartOption {
  const { edges, counts } = s.histogram;
  let a = 0;
  let b = counts.length - 1;
  while (a < b && counts[a] === 0) a++;
  while (b > a && counts[b] === 0) b--;
  const bins = counts.slice(a, b + 1).map((c, k) => [edges[a + k], edges[a + k + 1], c]);
  const q = (p: number): number | undefined => s.quantiles.find((x) => Math.abs(x.p - p) < 1e-9)?.value;
  const lines: { name: string; xAxis: number; lineStyle?: Record<string, unknown> }[] = [
    { name: `base ${fmt(s.base)}`, xAxis: s.base, lineStyle: { color: '#000', width: 2 } },
    { name: `mean ${fmt(s.mean)}`, xAxis: s.mean, lineStyle: { color: PALETTE[1], type: 'dashed' } },
  ];
  const q5 = q(0.05);
  const q95 = q(0.95);
  if (q5 !== undefined) lines.push({ name: `5% ${fmt(q5)}`, xAxis: q5, lineStyle: { color: PALETTE[2], type: 'dotted' } });
  if (q95 !== undefined) lines.push({ name: `95% ${fmt(q95)}`, xAxis: q95, lineStyle: { color: PALETTE[2], type: 'dotted' } });
  return {
    title: { text: `${s.name}: Monte Carlo distribution`, left: 8, top: 2, textStyle: { fontSize: 13 } },
    grid: { left: 56, right: 24, top: 52, bottom: 48 },
    tooltip: {
      trigger: 'item',
      formatter: (p: { value: number[] }) => `${fmt(p.value[0])} to ${fmt(p.value[1])}: ${p.value[2].toLocaleString('en-GB')} runs`,
    },
    xAxis: {
      type: 'value',
      name: `${s.name}${shortUnit(meta) ? ` (${shortUnit(meta)})` : ''}`,
      nameLocation: 'middle',
      nameGap: 26,
      min: bins.length ? Math.min(bins[0][0], s.base) : undefined,
      max: bins.length ? Math.max(bins[bins.length - 1][1], s.base) : undefined,
      axisLabel: { formatter: (v: number) => fmt(v) },
    },
    yAxis: { type: 'value', name: 'runs' },
    series: [
      {
        name: 'Runs',
        type: 'custom',
        data: bins,
        encode: { x: [0, 1], y: 2 },
        renderItem: (
          _params: unknown,
          api: { value: (d: number) => number; coord: (v: [number, number]) => [number, number] },
        ) => {
          const [x0, y0] = api.coord([api.value(0), 0]);
          const [x1, y1] = api.coord([api.value(1), api.value(2)]);
          return {
            type: 'rect',
            shape: { x: x0, y: y1, width: Math.max(1, x1 - x0 - 1), height: y0 - y1 },
            style: { fill: PALETTE[5], stroke: '#2b6c8f', lineWidth: 0.5 },
          };
        },
        markLine: {
          symbol: 'none',
          silent: true,
          label: { formatter: '{b}', position: 'end', fontSize: 10 },
          data: lines,
        },
      },
    ],
  };
}

function showResult(out: HTMLElement, res: Sensitivity, ctx: ScenarioContext, jobId: string): void {
  clear(out);
  const names = actorNames(ctx.detail.spec);
  const issueNames = Object.fromEntries(ctx.detail.spec.issues.map((i) => [i.id, i.name ?? i.id]));
  const metas = Object.fromEntries((res.base?.issues ?? []).map((i) => [i.id, i]));
  const q = (s: SensitivityIssue, p: number): string => fmt(s.quantiles.find((x) => Math.abs(x.p - p) < 1e-9)?.value);
  out.dataset.job = jobId;
  const cycling = res.issues.some((s) => (s.cycling_runs ?? 0) > 0);
  append(
    out,
    h('h2', {}, `${modelLabel(res.model)}: ${res.runs.toLocaleString('en-GB')} runs, seed ${res.seed}`),
    res.failed_runs && res.failures?.length
      ? h(
          'p',
          { class: 'warnings', id: 'sensitivity-failures' },
          `${res.failed_runs.toLocaleString('en-GB')} of ${res.runs.toLocaleString('en-GB')} runs failed and were left out ` +
            `(first: run ${res.failures[0].run}: ${res.failures[0].error})`,
        )
      : null,
    res.warnings?.length ? h('ul', { class: 'warnings' }, res.warnings.map((w) => h('li', {}, w))) : null,
    h(
      'table',
      { id: 'sensitivity-table' },
      h('caption', {}, 'Each issue’s forecast under uncertain inputs, in the issue’s units'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Issue', 'Base', 'Mean', 'Std. dev.', '5%', '50%', '95%', 'Range', ...(cycling ? ['Runs that cycle'] : [])].map((x) =>
            h('th', { scope: 'col', title: x === 'Runs that cycle' ? 'Runs whose positions on the issue cycle up to the round limit: there their forecast depends on the limit' : undefined }, x),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        res.issues.map((s) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, s.name),
            h('td', { class: 'num' }, fmt(s.base)),
            h('td', { class: 'num' }, fmt(s.mean)),
            h('td', { class: 'num' }, fmt(s.std_dev)),
            h('td', { class: 'num' }, q(s, 0.05)),
            h('td', { class: 'num' }, q(s, 0.5)),
            h('td', { class: 'num' }, q(s, 0.95)),
            h('td', { class: 'num' }, `${fmt(s.min)} … ${fmt(s.max)}`),
            cycling ? h('td', { class: 'num cycling' }, `${(s.cycling_runs ?? 0).toLocaleString('en-GB')} (${fmt((100 * (s.cycling_runs ?? 0)) / Math.max(1, res.completed_runs ?? res.runs), 3)}%)`) : null,
          ),
        ),
      ),
    ),
    h(
      'p',
      { class: 'legend-html' },
      h('span', {}, h('i', { style: `background:${LOW}` }), 'input at its low value'),
      h('span', {}, h('i', { style: `background:${HIGH}` }), 'input at its high value'),
      h('span', {}, 'bars start at the base forecast; the other inputs stay at their estimates'),
    ),
  );
  for (const s of res.issues) {
    const tornado = h('div', { class: 'chart chart-medium', 'data-issue': s.id });
    const hist = h('div', { class: 'chart chart-medium', 'data-issue': s.id });
    out.append(h('section', { class: 'issue-pair', 'aria-label': s.name }, tornado, hist));
    mountChart(`tornado-${s.id}`, tornado, tornadoOption(s, metas[s.id], names, issueNames));
    mountChart(`histogram-${s.id}`, hist, histogramOption(s, metas[s.id]));
  }
  hook().sensitivity = { jobId, issues: res.issues.length };
}

export async function renderSensitivity(panel: HTMLElement, r: Route, ctx: ScenarioContext): Promise<void> {
  const out = h('div', { id: 'sensitivity-result' });
  const status = h('div', { class: 'status', 'aria-live': 'polite' });
  const model = h('select', { id: 'sens-model' }, MODELS.map((m) => h('option', { value: m.id }, m.label)));
  const runs = h('input', { type: 'number', id: 'sens-runs', min: 1, step: 1, value: 1000 });
  const seed = h('input', { type: 'number', id: 'sens-seed', min: 0, step: 1, value: 7 });
  const rounds = h('input', { type: 'number', id: 'sens-rounds', min: 1, step: 1, placeholder: 'default' });
  const skipFailed = h('input', { type: 'checkbox', id: 'sens-skip-failed' });

  const panelJob = resultPanel<Sensitivity>(r, 'sens', status, (res, job) => showResult(out, res, ctx, job.id));

  panel.append(
    h(
      'form',
      {
        class: 'row controls',
        onsubmit: (e: Event) => {
          e.preventDefault();
          clear(out);
          const body: Record<string, unknown> = {
            kind: 'sensitivity',
            scenario_id: ctx.id,
            version: ctx.version,
            model: model.value,
            runs: Number(runs.value),
            seed: Number(seed.value),
          };
          if (rounds.value) body.rounds = Number(rounds.value);
          if (skipFailed.checked) body.skip_failed = true;
          void panelJob.start(body);
        },
      },
      h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Model'), model),
      h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Runs'), runs),
      h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Seed'), seed),
      h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Round limit'), rounds),
      h('label', { class: 'check inline', title: 'Leave runs whose forecast fails out of the statistics' }, skipFailed, ' Skip failed runs'),
      h('button', { type: 'submit', id: 'start-sensitivity', class: 'primary' }, 'Start'),
    ),
    h(
      'p',
      { class: 'muted' },
      'Every capability, position and salience is drawn around its estimate (by default ±5% of the scale for positions, ±10 points for saliences, ±10% for capabilities; an actor’s uncertainty table overrides them) and the model is run once per draw.',
    ),
    panelJob.el,
    status,
    out,
  );
  const past = await pastJobs('sensitivity', ctx.id, (j) => {
    clear(out);
    void panelJob.watch(j.id);
  });
  if (!r.alive()) return;
  panel.insertBefore(past, status);
  const q = ctx.query.get('job');
  if (q) void panelJob.watch(q);
}
