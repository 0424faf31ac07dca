// The dashboard: a header with the API token, and hash routes for the views.

import './style.css';
import { api, errorText, getToken, setToken } from './api';
import { disposeAll, disposeDetached } from './charts';
import { clear, h, setMessage } from './dom';
import { hook } from './hook';
import { renderJobs } from './views/jobs';
import { renderList } from './views/list';
import { renderScenario, type ScenarioTab } from './views/scenario';
import { renderTournaments } from './views/tournaments';

/** One per rendered route: async work checks `alive()` before touching the page. */
export interface Route {
  alive(): boolean;
  /** Runs `f` when the user leaves this route (stops polling). */
  onLeave(f: () => void): void;
}

let generation = 0;
let leaving: (() => void)[] = [];

function header(): HTMLElement {
  const input = h('input', {
    type: 'password',
    id: 'api-token',
    autocomplete: 'off',
    placeholder: 'API token for changes',
    value: getToken(),
    'aria-describedby': 'token-state',
  });
  const state = h('span', { id: 'token-state', class: 'token-state' }, getToken() ? 'token saved' : 'no token: read only');
  const save = (): void => {
    setToken(input.value.trim());
    state.textContent = input.value.trim() ? 'token saved in this browser' : 'no token: read only';
  };
  input.addEventListener('change', save);
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') save();
  });
  const health = h('span', { class: 'health', id: 'health' }, '…');
  api
    .health()
    .then((x) => {
      health.textContent = `server ${x.version} · ${x.database}`;
      health.classList.add('ok');
    })
    .catch((e) => {
      health.textContent = `server unreachable: ${errorText(e)}`;
      health.classList.add('bad');
    });
  return h(
    'header',
    { class: 'top' },
    h('a', { href: '#/', class: 'brand' }, 'Detente'),
    h(
      'nav',
      { 'aria-label': 'Main' },
      h('a', { href: '#/', 'data-nav': 'scenarios' }, 'Scenarios'),
      h('a', { href: '#/tournaments', 'data-nav': 'tournaments' }, 'Tournaments'),
      h('a', { href: '#/jobs', 'data-nav': 'jobs' }, 'Jobs'),
    ),
    h('div', { class: 'token' }, h('label', { for: 'api-token' }, 'API token'), input, h('button', { type: 'button', onclick: save }, 'Save'), state),
    health,
  );
}

function parse(hash: string): { path: string[]; query: URLSearchParams } {
  const raw = hash.replace(/^#\/?/, '');
  const [p, q] = raw.split('?', 2);
  return { path: p.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(q ?? '') };
}

async function route(main: HTMLElement): Promise<void> {
  leaving.forEach((f) => f());
  leaving = [];
  const mine = ++generation;
  const r: Route = { alive: () => mine === generation, onLeave: (f) => leaving.push(f) };
  clear(main);
  disposeDetached();
  const { path, query } = parse(location.hash);
  hook().route = location.hash || '#/';
  document.querySelectorAll<HTMLAnchorElement>('nav a').forEach((a) => {
    const active = (a.dataset.nav === 'scenarios' && (path.length === 0 || path[0] === 'scenarios')) || a.dataset.nav === path[0];
    if (active) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  });
  try {
    if (path.length === 0) await renderList(main, r);
    else if (path[0] === 'scenarios' && path[1]) {
      await renderScenario(main, r, path[1], (path[2] ?? 'actors') as ScenarioTab, query);
    } else if (path[0] === 'tournaments') await renderTournaments(main, r, query);
    else if (path[0] === 'jobs') await renderJobs(main, r);
    else {
      main.append(h('h1', {}, 'Not found'), h('p', {}, h('a', { href: '#/' }, 'Back to the scenarios')));
    }
  } catch (e) {
    if (r.alive()) {
      const slot = h('div');
      main.append(slot);
      setMessage(slot, 'error', errorText(e));
      hook().errors.push(errorText(e));
    }
  }
}

function start(): void {
  hook();
  const app = document.getElementById('app')!;
  clear(app);
  const main = h('main', { id: 'main', tabindex: '-1' });
  app.append(header(), main);
  window.addEventListener('hashchange', () => {
    disposeAll();
    void route(main);
  });
  void route(main);
}

start();
