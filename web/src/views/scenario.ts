// A scenario's page: its header, version picker and tabs.

import { api } from '../api';
import { append, bigCount, h } from '../dom';
import { hook } from '../hook';
import type { Route } from '../main';
import type { ScenarioDetail } from '../types';
import { renderActors } from './actors';
import { renderForecasts } from './forecasts';
import { renderNegotiation } from './negotiation';
import { renderSensitivity } from './sensitivity';
import { renderSpace } from './space';

export type ScenarioTab = 'actors' | 'space' | 'forecasts' | 'sensitivity' | 'negotiation';

const TABS: [ScenarioTab, string][] = [
  ['actors', 'Actors and issues'],
  ['space', 'Utility space'],
  ['forecasts', 'Forecasts'],
  ['sensitivity', 'Sensitivity'],
  ['negotiation', 'Negotiation'],
];

export interface ScenarioContext {
  id: string;
  detail: ScenarioDetail;
  /** The version the page shows; every request names it. */
  version: number;
  latest: boolean;
  query: URLSearchParams;
}

export function scenarioHref(id: string, tab: ScenarioTab, version?: number, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams(extra);
  if (version !== undefined) q.set('v', String(version));
  const qs = q.toString();
  return `#/scenarios/${encodeURIComponent(id)}${tab === 'actors' ? '' : `/${tab}`}${qs ? `?${qs}` : ''}`;
}

export async function renderScenario(
  main: HTMLElement,
  r: Route,
  id: string,
  tab: ScenarioTab,
  query: URLSearchParams,
): Promise<void> {
  const v = query.get('v');
  const asked = v ? Number(v) : undefined;
  main.append(h('p', {}, 'Loading…'));
  const detail = await api.getScenario(id, asked);
  if (!r.alive()) return;
  main.textContent = '';
  const versions = (detail.versions?.length ? detail.versions : [detail.version]).slice().sort((a, b) => b - a);
  const latestVersion = Math.max(...versions, detail.version);
  const ctx: ScenarioContext = { id, detail, version: detail.version, latest: detail.version === latestVersion, query };
  hook().scenario = { id, version: detail.version, name: detail.name };

  const picker = h(
    'select',
    {
      id: 'version-select',
      'aria-label': 'Version',
      onchange: (e: Event) => {
        const n = Number((e.target as HTMLSelectElement).value);
        location.hash = scenarioHref(id, tab, n === latestVersion ? undefined : n);
      },
    },
    versions.map((n) => h('option', { value: n, selected: n === detail.version }, `version ${n}${n === latestVersion ? ' (latest)' : ''}`)),
  );
  append(
    main,
    h('p', { class: 'crumbs' }, h('a', { href: '#/' }, 'Scenarios'), ' › '),
    h('h1', { id: 'scenario-name' }, detail.name),
    h(
      'p',
      { class: 'meta' },
      `${detail.n_actors} actors · ${detail.n_issues} issues · ${bigCount(detail.n_outcomes)} outcomes · `,
      picker,
      ctx.latest ? null : h('strong', { class: 'old' }, ' an earlier version: saving makes a new latest version from it'),
    ),
    detail.spec.description ? h('details', { class: 'description' }, h('summary', {}, 'Description'), h('p', {}, detail.spec.description)) : null,
    detail.warnings?.length
      ? h('ul', { class: 'warnings', 'aria-label': 'Warnings' }, detail.warnings.map((w) => h('li', {}, w)))
      : null,
    h(
      'nav',
      { class: 'tabs', 'aria-label': 'Scenario views' },
      TABS.map(([t, label]) =>
        h('a', { href: scenarioHref(id, t, ctx.latest ? undefined : detail.version), 'aria-current': t === tab ? 'page' : null, 'data-tab': t }, label),
      ),
    ),
  );
  const panel = h('section', { class: 'panel', id: `tab-${tab}` });
  main.append(panel);
  switch (tab) {
    case 'space':
      return renderSpace(panel, r, ctx);
    case 'forecasts':
      return renderForecasts(panel, r, ctx);
    case 'sensitivity':
      return renderSensitivity(panel, r, ctx);
    case 'negotiation':
      return renderNegotiation(panel, r, ctx);
    default:
      return renderActors(panel, r, ctx);
  }
}
