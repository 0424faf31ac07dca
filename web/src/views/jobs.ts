// Every job, newest first, with its progress; cancel the running ones.

import { api, errorText, FINISHED } from '../api';
import { clear, h, setMessage, shortId, when } from '../dom';
import type { Route } from '../main';
import type { Job } from '../types';

function resultHref(j: Job): string | null {
  if (j.kind === 'tournament') return `#/tournaments?job=${encodeURIComponent(j.id)}`;
  if (!j.scenario_id) return null;
  const tab = j.kind === 'forecast' ? 'forecasts' : j.kind;
  return `#/scenarios/${encodeURIComponent(String(j.scenario_id))}/${tab}?job=${encodeURIComponent(j.id)}`;
}

export async function renderJobs(main: HTMLElement, r: Route): Promise<void> {
  const status = h('div', { class: 'status', 'aria-live': 'polite' });
  const body = h('div', { id: 'job-list' });
  main.append(h('h1', {}, 'Jobs'), status, body);
  let timer: number | undefined;
  r.onLeave(() => clearTimeout(timer));
  const load = async (): Promise<void> => {
    let jobs: Job[];
    try {
      jobs = await api.listJobs();
    } catch (e) {
      if (r.alive()) setMessage(status, 'error', errorText(e));
      return;
    }
    if (!r.alive()) return;
    clear(body);
    if (jobs.length === 0) {
      body.append(h('p', {}, 'No jobs yet: start a sensitivity analysis, a negotiation or a tournament.'));
    } else {
      body.append(
        h(
          'table',
          { class: 'list' },
          h('thead', {}, h('tr', {}, ['Job', 'Kind', 'Status', 'Progress', 'Scenario', 'Started', ''].map((x) => h('th', { scope: 'col' }, x)))),
          h(
            'tbody',
            {},
            jobs.map((j) => {
              const href = resultHref(j);
              return h(
                'tr',
                { 'data-job': j.id },
                h('th', { scope: 'row', title: j.id }, href ? h('a', { href }, shortId(j.id)) : shortId(j.id)),
                h('td', {}, j.kind),
                h('td', { class: `job-${j.status}` }, j.status, j.error ? h('small', {}, ` ${j.error}`) : null),
                h('td', {}, h('progress', { max: Math.max(1, j.progress.total), value: j.progress.done }), ` ${j.progress.done}/${j.progress.total}`),
                h('td', {}, j.scenario_id ? h('a', { href: `#/scenarios/${encodeURIComponent(String(j.scenario_id))}` }, `${shortId(String(j.scenario_id))}${j.version ? ` v${j.version}` : ''}`) : '—'),
                h('td', {}, when(j.created_at)),
                h(
                  'td',
                  {},
                  FINISHED.has(j.status)
                    ? null
                    : h(
                        'button',
                        {
                          type: 'button',
                          class: 'danger',
                          onclick: async () => {
                            try {
                              await api.cancelJob(j.id);
                              await load();
                            } catch (e) {
                              setMessage(status, 'error', errorText(e));
                            }
                          },
                        },
                        'Cancel',
                      ),
                ),
              );
            }),
          ),
        ),
      );
    }
    if (jobs.some((j) => !FINISHED.has(j.status))) timer = window.setTimeout(() => void load(), 1000);
  };
  await load();
}
