// Negotiation: software agents stand in for the actors; the trace is drawn
// over the Pareto frontier, and each party's utility over time.

import { errorText } from '../api';
import { mountChart, PALETTE } from '../charts';
import { append, clear, fmt, h, setMessage } from '../dom';
import { hook } from '../hook';
import { pastJobs, resultPanel } from '../jobs';
import type { Route } from '../main';
import { AGENTS } from '../models';
import { agreementPoint, frontierIn, nondominated, offerPaths, solutionsIn, spaceOption, traceEntries } from '../space-chart';
import type { Negotiation } from '../types';
import { scenarioHref, type ScenarioContext } from './scenario';
import { actorNames, analysisFor, bargainers } from './space';

const DEFAULT_AGENTS = ['boulware', 'conceder', 'linear', 'aspiration', 'micro', 'hardheaded'];

/** Each party's utility of its own offers over time: its concession curve. */
function utilityOverTime(el: HTMLElement, n: Negotiation, names: Record<string, string>): void {
  const entries = traceEntries(n).filter((e) => e.action === 'offer' && e.utilities);
  const total = Math.max(1, n.steps || entries.length);
  const series: Record<string, unknown>[] = n.parties.map((p, k) => ({
    name: `${names[p.actor] ?? p.actor} (${p.agent})`,
    type: 'line',
    data: entries.filter((e) => e.party === p.actor).map((e) => [e.step / total, e.utilities![p.actor]]),
    symbol: 'none',
    lineStyle: { width: 2, type: k >= PALETTE.length ? 'dashed' : 'solid' },
    itemStyle: { color: PALETTE[k % PALETTE.length] },
    markLine: {
      symbol: 'none',
      silent: true,
      lineStyle: { color: PALETTE[k % PALETTE.length], type: 'dotted' },
      label: { show: false },
      data: [{ yAxis: p.reservation, name: `reservation value of ${names[p.actor] ?? p.actor}` }],
    },
  }));
  const mediator = entries.filter((e) => !e.party || !n.parties.some((p) => p.actor === e.party));
  if (mediator.length) {
    n.parties.forEach((p, k) =>
      series.push({
        name: `mediator’s texts, utility to ${names[p.actor] ?? p.actor}`,
        type: 'line',
        data: mediator.map((e) => [e.step / total, e.utilities![p.actor]]),
        symbol: 'none',
        lineStyle: { width: 1, type: 'dotted' },
        itemStyle: { color: PALETTE[k % PALETTE.length] },
      }),
    );
  }
  mountChart('negotiation-time', el, {
    title: { text: 'Each party’s utility of its own offers over time (dotted: its reservation value)', left: 8, top: 2, textStyle: { fontSize: 13 } },
    grid: { left: 56, right: 24, top: 40, bottom: 80 },
    legend: { bottom: 0 },
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => fmt(v, 4) },
    xAxis: { type: 'value', name: 'relative time (step / steps used)', nameLocation: 'middle', nameGap: 26, min: 0, max: 1 },
    yAxis: { type: 'value', name: 'utility (0–1)', min: (v: { min: number }) => Math.min(0, Math.floor(v.min * 10) / 10), max: 1 },
    series,
  });
}

async function showResult(out: HTMLElement, r: Route, n: Negotiation, ctx: ScenarioContext, jobId: string): Promise<void> {
  clear(out);
  const names = actorNames(ctx.detail.spec);
  out.dataset.job = jobId;
  const ending = n.ending?.kind ?? 'unknown';
  const endText =
    ending === 'agreement'
      ? `Agreement in round ${n.rounds} of ${n.rounds_limit} (step ${n.steps}, t = ${fmt(n.time)})`
      : `${ending === 'timeout' ? 'No agreement: the deadline passed' : `Ended: ${ending}`} after ${n.rounds} of ${n.rounds_limit} rounds`;
  append(
    out,
    h('h2', { id: 'negotiation-ending' }, endText),
    h(
      'p',
      {},
      `${n.protocol} protocol, seed ${n.seed}. Social welfare ${fmt(n.welfare, 4)}; distance to the Nash point ${fmt(n.nash_distance ?? null, 4)}, to the Pareto frontier ${fmt(n.pareto_distance ?? null, 4)}.`,
    ),
    h(
      'table',
      { id: 'parties-table' },
      h('caption', {}, 'The parties'),
      h('thead', {}, h('tr', {}, ['Actor', 'Agent', 'Utility', 'Reservation value', 'Advantage', 'Offers'].map((x) => h('th', { scope: 'col' }, x)))),
      h(
        'tbody',
        {},
        n.parties.map((p) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, names[p.actor] ?? p.actor),
            h('td', {}, p.agent),
            h('td', { class: 'num' }, fmt(p.utility, 4)),
            h('td', { class: 'num' }, fmt(p.reservation, 4)),
            h('td', { class: 'num' }, fmt(p.advantage, 4)),
            h('td', { class: 'num' }, p.offers),
          ),
        ),
      ),
    ),
    n.agreement
      ? h(
          'table',
          { id: 'agreement-table' },
          h('caption', {}, 'The agreement'),
          h(
            'tbody',
            {},
            ctx.detail.spec.issues.map((i) => h('tr', {}, h('th', { scope: 'row' }, i.name ?? i.id), h('td', {}, String(n.agreement?.[i.id] ?? '—'), i.unit ? h('small', {}, ` ${i.unit.split(/[(;]/)[0]}`) : null))),
          ),
        )
      : null,
  );
  const spaceEl = h('div', { class: 'chart chart-large', id: 'negotiation-space' });
  const timeEl = h('div', { class: 'chart chart-medium', id: 'negotiation-time' });
  const note = h('div', { class: 'status' });
  out.append(note, spaceEl, timeEl, h('p', {}, h('a', { href: scenarioHref(ctx.id, 'space', ctx.latest ? undefined : ctx.version, { job: jobId }) }, 'Show these offers in the utility space')));
  utilityOverTime(timeEl, n, names);
  const offers = traceEntries(n).filter((e) => e.action === 'offer').length;
  hook().negotiation = { jobId, ending, offers };

  if (n.parties.length < 2) return;
  const x = n.parties[0].actor;
  const y = n.parties[1].actor;
  const paths = offerPaths(n, x, y, names) ?? [];
  let frontier: [number, number][] = [];
  let solutions: ReturnType<typeof solutionsIn> = [];
  try {
    const an = await analysisFor(ctx, [x, y]);
    if (an.note) setMessage(note, 'info', an.note);
    if (an.analysis) {
      frontier = frontierIn(an.analysis, x, y) ?? [];
      if (!an.exact) frontier = nondominated(frontier);
      else solutions = solutionsIn(an.analysis, x, y).slice(0, 1);
    }
  } catch (e) {
    setMessage(note, 'error', `The frontier could not be computed: ${errorText(e)}`);
  }
  if (!r.alive()) return;
  const reservation = (id: string): number => n.parties.find((p) => p.actor === id)?.reservation ?? 0;
  mountChart(
    'negotiation-space',
    spaceEl,
    spaceOption({
      title: `Offers over the Pareto frontier: ${names[x]} and ${names[y]}`,
      x: { id: x, name: names[x], reservation: reservation(x) },
      y: { id: y, name: names[y], reservation: reservation(y) },
      points: [],
      frontier,
      solutions: n.nash_point ? [] : solutions,
      offers: paths,
      agreement: agreementPoint(n, x, y),
      nashPoint: n.nash_point && n.nash_point.length >= 2 ? [n.nash_point[0], n.nash_point[1]] : null,
    }),
  );
  spaceEl.dataset.frontierPoints = String(frontier.length);
  spaceEl.dataset.offerPaths = String(paths.length);
}

export async function renderNegotiation(panel: HTMLElement, r: Route, ctx: ScenarioContext): Promise<void> {
  const spec = ctx.detail.spec;
  const names = actorNames(spec);
  const defaults = bargainers(spec);
  let chosen = defaults.slice();
  const agentFor = new Map<string, string>(defaults.map((p, k) => [p, DEFAULT_AGENTS[k % DEFAULT_AGENTS.length]]));
  const out = h('div', { id: 'negotiation-result' });
  const status = h('div', { class: 'status', 'aria-live': 'polite' });
  const protocol = h(
    'select',
    { id: 'neg-protocol' },
    h('option', { value: 'sao', selected: chosen.length === 2 }, 'alternating offers (SAO, two parties)'),
    h('option', { value: 'multilateral', selected: chosen.length > 2 }, 'stacked alternating offers (multilateral)'),
    h('option', { value: 'mediated', selected: false }, 'mediated single text'),
  );
  const datalist = h('datalist', { id: 'agent-names' }, AGENTS.map((a) => h('option', { value: a })));
  const agentsRow = h('div', { class: 'row', id: 'neg-agents' });
  const rounds = h('input', { type: 'number', id: 'neg-rounds', min: 1, step: 1, value: 100 });
  const seed = h('input', { type: 'number', id: 'neg-seed', min: 0, step: 1, value: 1 });
  const warn = h('p', { class: 'msg msg-info', hidden: true });

  const check = (): void => {
    const bad = (protocol.value === 'sao' && chosen.length !== 2) || chosen.length < 2;
    warn.hidden = !bad;
    warn.textContent =
      chosen.length < 2
        ? 'Choose at least two negotiating actors.'
        : bad
          ? `Alternating offers take exactly two parties, and ${chosen.length} are chosen: choose multilateral or mediated, or two actors.`
          : '';
  };
  const drawAgents = (): void => {
    agentsRow.textContent = '';
    chosen.forEach((p, k) => {
      const input = h('input', { type: 'text', list: 'agent-names', id: `neg-agent-${k}`, value: agentFor.get(p) ?? 'linear', 'aria-label': `Agent for ${names[p]}`, size: 14 });
      input.addEventListener('change', () => agentFor.set(p, input.value.trim()));
      agentsRow.append(h('label', { class: 'field' }, h('span', { class: 'field-label' }, `${k + 1}. ${names[p]}`), input));
    });
  };
  const actorBoxes = spec.actors.map((a) =>
    h(
      'label',
      { class: 'check inline' },
      h('input', {
        type: 'checkbox',
        value: a.id,
        'data-actor': a.id,
        checked: chosen.includes(a.id),
        onchange: (e: Event) => {
          const on = (e.target as HTMLInputElement).checked;
          // Keep the scenario's order.
          const set = new Set(chosen);
          if (on) set.add(a.id);
          else set.delete(a.id);
          chosen = spec.actors.map((x) => x.id).filter((id) => set.has(id));
          if (!agentFor.has(a.id)) agentFor.set(a.id, DEFAULT_AGENTS[agentFor.size % DEFAULT_AGENTS.length]);
          if (chosen.length === 2 && protocol.value !== 'sao') protocol.value = 'sao';
          else if (chosen.length > 2 && protocol.value === 'sao') protocol.value = 'multilateral';
          drawAgents();
          check();
        },
      }),
      ` ${a.name ?? a.id}`,
    ),
  );
  protocol.addEventListener('change', check);
  drawAgents();
  check();

  const panelJob = resultPanel<Negotiation>(r, 'neg', status, (n, job) => showResult(out, r, n, ctx, job.id));

  panel.append(
    datalist,
    h(
      'form',
      {
        class: 'controls',
        onsubmit: (e: Event) => {
          e.preventDefault();
          clear(out);
          const body: Record<string, unknown> = {
            kind: 'negotiation',
            scenario_id: ctx.id,
            version: ctx.version,
            agents: chosen.map((p) => agentFor.get(p) ?? 'linear'),
            protocol: protocol.value,
            rounds: Number(rounds.value),
            seed: Number(seed.value),
          };
          // By default the server seats the actors whose consent is needed.
          if (chosen.join(',') !== defaults.join(',')) body.actors = chosen;
          void panelJob.start(body);
        },
      },
      h(
        'fieldset',
        {},
        h('legend', {}, 'Negotiating actors (in the scenario’s order; the first opens)'),
        h('div', { class: 'row' }, actorBoxes),
        h('small', {}, 'By default, the actors whose consent an agreement needs (at the table or with a veto).'),
      ),
      h(
        'fieldset',
        {},
        h('legend', {}, 'Agents, one per party'),
        agentsRow,
        h('small', {}, 'Strategies: ', AGENTS.join(', '), '; add an acceptance condition with +, e.g. boulware+ac-next, linear+ac-const(0.8).'),
      ),
      h(
        'div',
        { class: 'row' },
        h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Protocol'), protocol),
        h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Deadline (rounds)'), rounds),
        h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Seed'), seed),
        h('button', { type: 'submit', id: 'start-negotiation', class: 'primary' }, 'Negotiate'),
      ),
      warn,
    ),
    panelJob.el,
    status,
    out,
  );
  const past = await pastJobs('negotiation', ctx.id, (j) => {
    clear(out);
    void panelJob.watch(j.id);
  });
  if (!r.alive()) return;
  panel.insertBefore(past, status);
  const q = ctx.query.get('job');
  if (q) void panelJob.watch(q);
}
