// The utility space of two actors: sampled outcomes, the Pareto frontier, the
// bargaining solutions, the reservation values, and a negotiation's offers.

import { api, ApiError, errorText } from '../api';
import { mountChart } from '../charts';
import { bigCount, clear, fmt, h, pct, setMessage, shortId } from '../dom';
import type { Route } from '../main';
import {
  agreementPoint,
  frontierIn,
  nondominated,
  offerPaths,
  SOLUTIONS,
  solutionsIn,
  spaceOption,
  type OfferPath,
} from '../space-chart';
import type { Analysis, Job, Negotiation, Outcome, ScenarioSpec } from '../types';
import type { ScenarioContext } from './scenario';

/** The actors whose consent an agreement needs (at the table or with a veto), else all. */
export function bargainers(spec: ScenarioSpec): string[] {
  const c = spec.actors.filter((a) => (a.at_table ?? true) || a.veto).map((a) => a.id);
  return c.length >= 2 ? c : spec.actors.map((a) => a.id);
}

export function actorNames(spec: ScenarioSpec): Record<string, string> {
  return Object.fromEntries(spec.actors.map((a) => [a.id, a.name ?? a.id]));
}

/**
 * The analysis of exactly these actors: POST (a write, needs the token);
 * without a token, the stored default analysis, projected.
 */
export async function analysisFor(
  ctx: ScenarioContext,
  actors: string[],
): Promise<{ analysis: Analysis | null; exact: boolean; note: string }> {
  try {
    const a = await api.analyse(ctx.id, { version: ctx.version, actors });
    return { analysis: a, exact: true, note: '' };
  } catch (e) {
    if (!(e instanceof ApiError) || (e.status !== 401 && e.status !== 403)) throw e;
    try {
      const a = await api.storedAnalysis(ctx.id, ctx.version);
      return {
        analysis: a,
        exact: false,
        note: `${e.explain()} Showing the stored analysis of ${a.actors.join(', ')}, its frontier projected onto these two actors.`,
      };
    } catch (e2) {
      if (e2 instanceof ApiError && e2.status === 404)
        return { analysis: null, exact: false, note: `${e.explain()} No stored analysis yet: the chart shows the outcomes only.` };
      throw e2;
    }
  }
}

function outcomeText(o: Outcome, ctx: ScenarioContext): string {
  return ctx.detail.spec.issues.map((i) => `${i.name ?? i.id}: ${typeof o[i.id] === 'number' ? fmt(o[i.id] as number) : (o[i.id] ?? '—')}`).join('; ');
}

export async function renderSpace(panel: HTMLElement, r: Route, ctx: ScenarioContext): Promise<void> {
  const spec = ctx.detail.spec;
  const names = actorNames(spec);
  const defaults = bargainers(spec);
  const status = h('div', { class: 'status', 'aria-live': 'polite' });
  const chartEl = h('div', { class: 'chart chart-large', id: 'utility-space', 'aria-label': 'Utility space chart' });
  const details = h('div', { id: 'space-details' });
  const select = (id: string, label: string, cur: string): HTMLSelectElement =>
    h(
      'select',
      { id, 'aria-label': label },
      spec.actors.map((a) => h('option', { value: a.id, selected: a.id === cur }, a.name ?? a.id)),
    );
  const xSel = select('space-x', 'Horizontal axis: actor', defaults[0]);
  const ySel = select('space-y', 'Vertical axis: actor', defaults[1] ?? defaults[0]);
  const jobSel = h('select', { id: 'space-job', 'aria-label': 'Offers of a negotiation' }, h('option', { value: '' }, 'none'));
  const limit = h('input', { type: 'number', id: 'space-limit', min: 100, max: 20000, step: 100, value: 2000, 'aria-label': 'Sampled outcomes' });

  panel.append(
    h(
      'div',
      { class: 'row controls' },
      h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Horizontal axis'), xSel),
      h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Vertical axis'), ySel),
      h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Sampled outcomes'), limit),
      h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Offers of the negotiation'), jobSel),
      h('button', { type: 'button', id: 'space-draw', onclick: () => void draw() }, 'Draw'),
    ),
    status,
    chartEl,
    details,
  );

  // Negotiation jobs of this scenario that finished, for their offer paths
  // (awaited when the address names one, so the first drawing shows it).
  const q = ctx.query.get('job');
  const jobsLoaded = api
    .listJobs()
    .then((jobs: Job[]) => {
      const mine = jobs.filter((j) => j.kind === 'negotiation' && String(j.scenario_id) === ctx.id && j.status === 'succeeded');
      for (const j of mine) jobSel.append(h('option', { value: j.id, selected: j.id === q }, `job ${shortId(j.id)}, ${new Date(j.created_at).toLocaleString('en-GB', { dateStyle: 'short', timeStyle: 'short' })}`));
    })
    .catch(() => {
      /* the chart works without jobs */
    });

  let drawing = 0;
  const draw = async (): Promise<void> => {
    const mine = ++drawing;
    const x = xSel.value;
    const y = ySel.value;
    if (x === y) {
      setMessage(status, 'error', 'Choose two different actors.');
      return;
    }
    setMessage(status, 'info', 'Computing…');
    const xa = spec.actors.find((a) => a.id === x)!;
    const ya = spec.actors.find((a) => a.id === y)!;
    const notes: string[] = [];
    const [sample, an, neg] = await Promise.all([
      api.outcomes(ctx.id, ctx.version, [x, y], Number(limit.value) || 2000).catch((e: unknown) => {
        notes.push(`Outcomes: ${errorText(e)}`);
        return null;
      }),
      analysisFor(ctx, [x, y]).catch((e: unknown) => {
        notes.push(`Analysis: ${errorText(e)}`);
        return null;
      }),
      jobSel.value ? api.jobResult<Negotiation>(jobSel.value).catch((e: unknown) => (notes.push(`Negotiation: ${errorText(e)}`), null)) : Promise.resolve(null),
    ]);
    // Only the latest drawing is shown.
    if (!r.alive() || mine !== drawing) return;
    if (an?.note) notes.push(an.note);
    let points: [number, number][] = [];
    if (sample) {
      // The sample's columns follow its `actors`.
      const ix = sample.actors.indexOf(x);
      const iy = sample.actors.indexOf(y);
      points = sample.points.map((p) => [p[ix < 0 ? 0 : ix], p[iy < 0 ? 1 : iy]] as [number, number]);
    }
    const analysis = an?.analysis ?? null;
    let frontier = analysis ? (frontierIn(analysis, x, y) ?? []) : [];
    if (analysis && !an?.exact) frontier = nondominated(frontier);
    if (analysis && frontierIn(analysis, x, y) === null) notes.push(`The stored analysis does not include ${names[x]} and ${names[y]}.`);
    const solutions = analysis && an?.exact ? solutionsIn(analysis, x, y) : [];
    let offers: OfferPath[] = [];
    let agreement: [number, number] | null = null;
    if (neg) {
      const paths = offerPaths(neg, x, y, names);
      if (paths === null) {
        const parties = neg.parties.map((p) => names[p.actor] ?? p.actor).join(' and ');
        notes.push(`The negotiation's parties are ${parties}: choose them as the axes to see their offers.`);
      } else {
        offers = paths;
        agreement = agreementPoint(neg, x, y);
      }
    }
    mountChart(
      'utility-space',
      chartEl,
      spaceOption({
        x: { id: x, name: names[x], reservation: xa.reservation ?? 0 },
        y: { id: y, name: names[y], reservation: ya.reservation ?? 0 },
        points,
        frontier,
        solutions,
        offers,
        agreement,
      }),
    );
    chartEl.dataset.frontierPoints = String(frontier.length);
    chartEl.dataset.outcomePoints = String(points.length);
    chartEl.dataset.solutions = String(solutions.length);
    chartEl.dataset.offerPaths = String(offers.length);
    if (notes.length) setMessage(status, 'info', notes.join(' '));
    else clear(status);
    clear(details);
    if (analysis) details.append(analysisSummary(analysis, ctx, an?.exact ?? false));
  };

  if (q) await jobsLoaded;
  await draw();
}

function analysisSummary(a: Analysis, ctx: ScenarioContext, exact: boolean): HTMLElement {
  const zopa = a.zopa;
  const zrow = (label: string, z: NonNullable<Analysis['zopa']>['at_table']): HTMLElement =>
    h(
      'li',
      {},
      z
        ? `${label} (${z.actors.join(', ')}): ${bigCount(z.size)} outcomes, ${pct(z.share, 2)} of the space`
        : `${label}: not counted without enumeration`,
    );
  return h(
    'div',
    { class: 'analysis' },
    h('h2', {}, `Analysis of ${a.actors.join(', ')}`),
    h(
      'p',
      {},
      `${bigCount(a.n_outcomes)} outcomes; the Pareto frontier has ${a.pareto.length.toLocaleString('en-GB')} outcomes. Method: ${a.method.name}${a.method.exact ? ' (exact)' : ` (within ${fmt(a.method.epsilon ?? NaN)})`}.`,
    ),
    zopa
      ? h('ul', { 'aria-label': 'Zone of possible agreement' }, zrow('ZOPA, actors at the table', zopa.at_table), zrow('ZOPA, with the vetoes', zopa.with_vetoes))
      : h('p', {}, 'ZOPA: not counted.'),
    exact
      ? h(
          'table',
          { class: 'solutions' },
          h('caption', {}, 'Bargaining solutions (disagreement point: the reservation values)'),
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Solution'), a.actors.map((n) => h('th', { scope: 'col' }, `utility of ${n}`)), h('th', { scope: 'col' }, 'Outcome'))),
          h(
            'tbody',
            {},
            SOLUTIONS.map((s) => {
              const sol = a[s.key] as Analysis['nash'];
              return h(
                'tr',
                {},
                h('th', { scope: 'row' }, s.label),
                sol ? sol.utilities.map((u) => h('td', { class: 'num' }, fmt(u, 4))) : a.actors.map(() => h('td', {}, '—')),
                h('td', { class: 'outcome' }, sol ? outcomeText(sol.outcome, ctx) : 'no individually rational outcome'),
              );
            }),
          ),
        )
      : null,
    a.notes?.length ? h('ul', { class: 'notes' }, a.notes.map((n) => h('li', {}, n))) : null,
  );
}
