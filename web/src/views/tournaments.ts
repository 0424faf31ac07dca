// Tournaments: every agent against every other on the chosen scenarios; the
// leaderboard with the ANAC measures.

import { api } from '../api';
import { clear, fmt, h, pct, setMessage } from '../dom';
import { hook } from '../hook';
import { pastJobs, resultPanel } from '../jobs';
import type { Route } from '../main';
import { AGENTS } from '../models';
import type { TournamentResult } from '../types';

function leaderboard(out: HTMLElement, res: TournamentResult, jobId: string): void {
  clear(out);
  out.dataset.job = jobId;
  const rows = res.leaderboard ?? [];
  out.append(
    h('h2', {}, 'Leaderboard'),
    h(
      'table',
      { id: 'leaderboard' },
      h('caption', {}, `${(res.records?.length ?? 0).toLocaleString('en-GB')} negotiation records; ranked by mean utility`),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Rank', 'Agent', 'Parties played', 'Mean utility', 'Advantage over reservation', 'Agreement rate', 'Social welfare', 'Distance to Nash', 'Distance to Pareto', 'Rounds'].map((x) =>
            h('th', { scope: 'col' }, x),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((x, k) =>
          h(
            'tr',
            {},
            h('td', { class: 'num' }, k + 1),
            h('th', { scope: 'row' }, x.strategy),
            h('td', { class: 'num' }, x.negotiations),
            h('td', { class: 'num' }, fmt(x.mean_utility, 4)),
            h('td', { class: 'num' }, fmt(x.mean_advantage, 4)),
            h('td', { class: 'num' }, pct(x.agreement_rate)),
            h('td', { class: 'num' }, fmt(x.mean_welfare, 4)),
            h('td', { class: 'num' }, fmt(x.mean_nash_distance, 4)),
            h('td', { class: 'num' }, fmt(x.mean_pareto_distance, 4)),
            h('td', { class: 'num' }, fmt(x.mean_rounds, 3)),
          ),
        ),
      ),
    ),
  );
  hook().tournament = { jobId, strategies: rows.map((x) => x.strategy) };
}

export async function renderTournaments(main: HTMLElement, r: Route, query: URLSearchParams): Promise<void> {
  main.append(h('h1', {}, 'Tournaments'));
  const out = h('div', { id: 'tournament-result' });
  const status = h('div', { class: 'status', 'aria-live': 'polite' });
  const scenarios = await api.listScenarios();
  if (!r.alive()) return;
  const boxes = scenarios.map((s, k) =>
    h('label', { class: 'check' }, h('input', { type: 'checkbox', value: s.id, checked: k === 0, 'data-scenario': s.id }), ` ${s.name} (${s.n_actors} actors)`),
  );
  const agents = h('input', { type: 'text', id: 'tour-agents', size: 60, value: 'boulware,linear,conceder,aspiration,micro,hardheaded' });
  const reps = h('input', { type: 'number', id: 'tour-reps', min: 1, step: 1, value: 2 });
  const rounds = h('input', { type: 'number', id: 'tour-rounds', min: 1, step: 1, value: 100 });
  const seed = h('input', { type: 'number', id: 'tour-seed', min: 0, step: 1, value: 1 });
  const protocol = h(
    'select',
    { id: 'tour-protocol' },
    h('option', { value: '' }, 'default (the server’s)'),
    h('option', { value: 'sao' }, 'alternating offers (SAO, two parties)'),
    h('option', { value: 'multilateral' }, 'stacked alternating offers (multilateral)'),
    h('option', { value: 'mediated' }, 'mediated single text'),
  );
  const panelJob = resultPanel<TournamentResult>(r, 'tour', status, (res, job) => leaderboard(out, res, job.id));
  main.append(
    h(
      'form',
      {
        class: 'controls',
        onsubmit: (e: Event) => {
          e.preventDefault();
          const ids = boxes.map((b) => b.querySelector('input')!).filter((i) => i.checked).map((i) => i.value);
          if (ids.length === 0) {
            setMessage(status, 'error', 'Choose at least one scenario.');
            return;
          }
          const list = agents.value.split(/,(?![^(]*\))/).map((x) => x.trim()).filter(Boolean);
          if (list.length < 2) {
            setMessage(status, 'error', 'A tournament needs at least two agents.');
            return;
          }
          clear(status);
          clear(out);
          const body: Record<string, unknown> = {
            kind: 'tournament',
            scenario_ids: ids,
            agents: list,
            repetitions: Number(reps.value),
            rounds: Number(rounds.value),
            seed: Number(seed.value),
          };
          if (protocol.value) body.protocol = protocol.value;
          void panelJob.start(body);
        },
      },
      h('fieldset', {}, h('legend', {}, 'Scenarios'), boxes.length ? boxes : h('p', {}, 'No scenarios: add one first.')),
      h(
        'div',
        { class: 'row' },
        h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Agents (comma-separated)'), agents, h('small', {}, AGENTS.join(', '))),
      ),
      h(
        'div',
        { class: 'row' },
        h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Repetitions'), reps),
        h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Deadline (rounds)'), rounds),
        h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Seed'), seed),
        h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Protocol'), protocol),
        h('button', { type: 'submit', id: 'start-tournament', class: 'primary' }, 'Run the tournament'),
      ),
      h('small', {}, 'Alternating offers need scenarios with exactly two negotiating parties; choose multilateral or mediated for more.'),
    ),
    panelJob.el,
    status,
    out,
  );
  const past = await pastJobs('tournament', null, (j) => {
    clear(out);
    void panelJob.watch(j.id);
  });
  if (!r.alive()) return;
  main.insertBefore(past, status);
  const q = query.get('job');
  if (q) void panelJob.watch(q);
}
