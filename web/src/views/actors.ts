// The actors × issues table: edit capability, seat, veto, reservation value,
// and each spatial actor's position and salience; save as a new version.

import { api, ApiError, errorText } from '../api';
import { h, setMessage } from '../dom';
import type { Route } from '../main';
import type { ActorSpec, IssueSpec, ScenarioSpec, SpatialPreferences } from '../types';
import { scenarioHref, type ScenarioContext } from './scenario';

const ACTOR_FIELDS = ['capability', 'reservation', 'at_table', 'veto', 'discount', 'name', 'id'];
const ISSUE_FIELDS = ['position', 'salience', 'weights', 'evaluations', 'bounds'];

function issueName(i: IssueSpec): string {
  return i.name ?? i.id;
}

export function issueScale(i: IssueSpec): string {
  if (i.kind === 'discrete') return `${i.ordered ? 'ordered' : 'unordered'}: ${(i.options ?? []).join(' · ')}`;
  return `${i.min} to ${i.max}${i.unit ? ` ${i.unit}` : ''}`;
}

/**
 * Where an API error points: the data-field of the input, from the error's
 * `field` path (actors[0].capability, actors.us.capability, actors.capability)
 * and the actor and issue its message names (actor `us`, issue `territory`).
 */
export function locateError(err: ApiError, spec: ScenarioSpec): string | null {
  const ids = spec.actors.map((a) => a.id);
  const issueIds = spec.issues.map((i) => i.id);
  const toks = (err.field ?? '').split(/[.[\]/]+/).filter(Boolean);
  const loc = err.locator;
  let actor: number | undefined;
  // 1. The server's locator names the actor and the issue by id.
  if (loc?.actor && ids.includes(loc.actor)) actor = ids.indexOf(loc.actor);
  // 2. The field path: actors[0].capability, actors.us.capability.
  const ai = toks.indexOf('actors');
  if (actor === undefined && ai >= 0 && toks[ai + 1] !== undefined) {
    const t = toks[ai + 1];
    if (/^\d+$/.test(t) && Number(t) < ids.length) actor = Number(t);
    else if (ids.includes(t)) actor = ids.indexOf(t);
  }
  // 3. The message: actor `us`, issue `territory`.
  if (actor === undefined) {
    const id = toks.find((t) => ids.includes(t)) ?? /actor `([^`]+)`/.exec(err.message)?.[1];
    if (id !== undefined && ids.includes(id)) actor = ids.indexOf(id);
  }
  const fromMsgIssue = /issue `([^`]+)`/.exec(err.message)?.[1];
  const ti = toks.filter((t) => issueIds.includes(t));
  const issue =
    loc?.issue && issueIds.includes(loc.issue)
      ? loc.issue
      : ti.length
        ? ti[ti.length - 1]
        : fromMsgIssue && issueIds.includes(fromMsgIssue)
          ? fromMsgIssue
          : undefined;
  const known = (t: string | null | undefined): t is string => !!t && (ACTOR_FIELDS.includes(t) || ISSUE_FIELDS.includes(t));
  const leafs = toks.filter(known);
  let leaf = known(loc?.field) ? loc.field : leafs.length ? leafs[leafs.length - 1] : undefined;
  if (!leaf) {
    const m = /:\s*([a-z_]+) (?:is|are|sum)\b/.exec(err.message);
    if (m && known(m[1])) leaf = m[1];
  }
  if (leaf === 'weights' || leaf === 'evaluations' || leaf === 'bounds') leaf = 'salience';
  if (actor !== undefined) {
    if (leaf && ['capability', 'reservation', 'at_table', 'veto'].includes(leaf)) return `actors.${actor}.${leaf}`;
    if (issue && (leaf === 'position' || leaf === 'salience')) return `actors.${actor}.${leaf}.${issue}`;
    if (issue) return `actors.${actor}.position.${issue}`;
    return `actors.${actor}.name`;
  }
  if (issue) return `issues.${issue}`;
  return null;
}

/** A message that survives the re-render after a save. */
let flash: string | null = null;

function numberInput(field: string, value: number | undefined, attrs: Record<string, string | number> = {}): HTMLInputElement {
  return h('input', { type: 'number', step: 'any', 'data-field': field, value: value ?? '', ...attrs });
}

export async function renderActors(panel: HTMLElement, r: Route, ctx: ScenarioContext): Promise<void> {
  const spec: ScenarioSpec = structuredClone(ctx.detail.spec);
  const status = h('div', { class: 'status', id: 'save-status', 'aria-live': 'polite' });
  const problems = new Map<string, string>();

  const errorSlot = (field: string): HTMLElement => h('span', { class: 'field-error', 'data-error-for': field, role: 'alert' });

  /** A cell holding an input and the place its error goes. */
  const cell = (field: string, control: HTMLElement): HTMLElement => h('td', { 'data-cell': field }, control, errorSlot(field));

  const onNumber = (field: string, set: (x: number | undefined) => void, optional = false) => (e: Event) => {
    const input = e.target as HTMLInputElement;
    const raw = input.value.trim();
    const x = raw === '' ? NaN : Number(raw);
    if (raw === '' && optional) {
      set(undefined);
      problems.delete(field);
    } else if (!Number.isFinite(x)) {
      problems.set(field, 'Enter a number.');
    } else {
      set(x);
      problems.delete(field);
    }
    showError(field, problems.get(field) ?? '');
  };

  const showError = (field: string, text: string): void => {
    const slot = panel.querySelector<HTMLElement>(`[data-error-for="${CSS.escape(field)}"]`);
    const input = panel.querySelector<HTMLElement>(`[data-field="${CSS.escape(field)}"]`);
    if (slot) slot.textContent = text;
    if (input) {
      if (text) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
    }
  };

  const clearErrors = (): void => {
    panel.querySelectorAll<HTMLElement>('[data-error-for]').forEach((s) => (s.textContent = ''));
    panel.querySelectorAll<HTMLElement>('[aria-invalid]').forEach((s) => s.removeAttribute('aria-invalid'));
    problems.forEach((text, field) => showError(field, text));
  };

  const issues = spec.issues;
  const headRow1 = h(
    'tr',
    {},
    h('th', { scope: 'col', rowspan: 2 }, 'Actor'),
    h('th', { scope: 'col', rowspan: 2 }, 'Capability'),
    h('th', { scope: 'col', rowspan: 2 }, 'At the table'),
    h('th', { scope: 'col', rowspan: 2 }, 'Veto'),
    h('th', { scope: 'col', rowspan: 2, title: 'Utility of no agreement, in [0, 1]' }, 'Reservation value'),
    issues.map((i) =>
      h(
        'th',
        { scope: 'colgroup', colspan: 2, class: 'issue-head', 'data-field': `issues.${i.id}`, title: `${i.description ?? ''}\n${issueScale(i)}`.trim() },
        issueName(i),
        h('small', {}, i.kind === 'discrete' ? `${(i.options ?? []).length} options` : `${i.min}–${i.max}`),
        errorSlot(`issues.${i.id}`),
      ),
    ),
  );
  const headRow2 = h('tr', {}, issues.map(() => [h('th', { scope: 'col', class: 'sub' }, 'position'), h('th', { scope: 'col', class: 'sub' }, 'salience')]));

  const actorRow = (a: ActorSpec, ai: number): HTMLElement => {
    const f = (k: string): string => `actors.${ai}.${k}`;
    const prefs = a.preferences;
    const issueCells = issues.map((i) => {
      if (prefs.type !== 'spatial') {
        const w = (prefs as { weights?: Record<string, number> }).weights?.[i.id];
        const text = prefs.type === 'linear-additive' ? `weight ${w ?? 0}` : 'constraint';
        return [h('td', { class: 'muted', colspan: 2, title: `${prefs.type} preferences: edit them as JSON below` }, text)];
      }
      const sp = prefs as SpatialPreferences;
      const pf = f(`position.${i.id}`);
      const sf = f(`salience.${i.id}`);
      let pos: HTMLElement;
      if (i.kind === 'discrete') {
        const cur = sp.position[i.id];
        pos = h(
          'select',
          {
            'data-field': pf,
            'aria-label': `${a.name ?? a.id}: position on ${issueName(i)}`,
            onchange: (e: Event) => {
              const val = (e.target as HTMLSelectElement).value;
              if (val === '') delete sp.position[i.id];
              else sp.position[i.id] = val;
            },
          },
          h('option', { value: '', selected: cur === undefined }, '—'),
          (i.options ?? []).map((o) => h('option', { value: o, selected: o === cur }, o)),
        );
      } else {
        const cur = sp.position[i.id];
        pos = numberInput(pf, typeof cur === 'number' ? cur : undefined, {
          min: i.min ?? '',
          max: i.max ?? '',
          'aria-label': `${a.name ?? a.id}: position on ${issueName(i)}${i.unit ? ` (${i.unit})` : ''}`,
        });
        pos.addEventListener(
          'change',
          onNumber(
            pf,
            (x) => {
              if (x === undefined) delete sp.position[i.id];
              else sp.position[i.id] = x;
            },
            true,
          ),
        );
      }
      const sal = numberInput(sf, sp.salience[i.id], { min: 0, 'aria-label': `${a.name ?? a.id}: salience of ${issueName(i)}` });
      sal.addEventListener(
        'change',
        onNumber(
          sf,
          (x) => {
            if (x === undefined) delete sp.salience[i.id];
            else sp.salience[i.id] = x;
          },
          true,
        ),
      );
      return [cell(pf, pos), cell(sf, sal)];
    });
    const cap = numberInput(f('capability'), a.capability ?? 1, { min: 0, 'aria-label': `${a.name ?? a.id}: capability` });
    cap.addEventListener('change', onNumber(f('capability'), (x) => (a.capability = x ?? 1)));
    const res = numberInput(f('reservation'), a.reservation ?? 0, { 'aria-label': `${a.name ?? a.id}: reservation value` });
    res.addEventListener('change', onNumber(f('reservation'), (x) => (a.reservation = x ?? 0)));
    const seat = h('input', {
      type: 'checkbox',
      'data-field': f('at_table'),
      checked: a.at_table ?? true,
      'aria-label': `${a.name ?? a.id}: at the table`,
      onchange: (e: Event) => (a.at_table = (e.target as HTMLInputElement).checked),
    });
    const veto = h('input', {
      type: 'checkbox',
      'data-field': f('veto'),
      checked: a.veto ?? false,
      'aria-label': `${a.name ?? a.id}: veto`,
      onchange: (e: Event) => (a.veto = (e.target as HTMLInputElement).checked),
    });
    return h(
      'tr',
      { 'data-actor': a.id },
      h('th', { scope: 'row', 'data-field': f('name') }, a.name ?? a.id, h('small', {}, a.id), errorSlot(f('name'))),
      cell(f('capability'), cap),
      cell(f('at_table'), seat),
      cell(f('veto'), veto),
      cell(f('reservation'), res),
      issueCells,
    );
  };

  const save = async (toSave: ScenarioSpec): Promise<void> => {
    clearErrors();
    if (problems.size > 0) {
      setMessage(status, 'error', `Not saved: ${problems.size} field${problems.size === 1 ? '' : 's'} need a number.`);
      return;
    }
    setMessage(status, 'info', 'Saving…');
    try {
      const s = await api.updateScenario(ctx.id, toSave);
      if (!r.alive()) return;
      // Reload on the latest version so further edits start from it.
      flash = `Saved as version ${s.version}.`;
      if (location.hash === scenarioHref(ctx.id, 'actors')) window.dispatchEvent(new HashChangeEvent('hashchange'));
      else location.hash = scenarioHref(ctx.id, 'actors');
    } catch (e) {
      if (!r.alive()) return;
      const where = e instanceof ApiError && e.status >= 400 && e.status < 500 ? locateError(e, toSave) : null;
      const text = errorText(e);
      if (where) {
        showError(where, e instanceof ApiError ? e.message : text);
        const input = panel.querySelector<HTMLElement>(`[data-field="${CSS.escape(where)}"]`);
        input?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
        if (input instanceof HTMLInputElement || input instanceof HTMLSelectElement) input.focus();
      }
      setMessage(status, 'error', `Not saved: ${text}`);
    }
  };

  const form = h(
    'form',
    {
      id: 'actors-form',
      // The server validates: its errors are shown next to the field they name.
      novalidate: true,
      onsubmit: (e: Event) => {
        e.preventDefault();
        void save(spec);
      },
    },
    h(
      'div',
      { class: 'scroll' },
      h(
        'table',
        { class: 'editor', id: 'actors-table' },
        h('caption', {}, 'Actors and their preferences. Salience is on a 0–100 scale per issue; a reservation value is the utility of no agreement.'),
        h('thead', {}, headRow1, headRow2),
        h('tbody', {}, spec.actors.map(actorRow)),
      ),
    ),
    h('div', { class: 'row' }, h('button', { type: 'submit', id: 'save-scenario', class: 'primary' }, 'Save as a new version'), status),
  );

  // Issues, for reference: their scales and units.
  const issueList = h(
    'details',
    { class: 'issues' },
    h('summary', {}, `The ${issues.length} issues and their scales`),
    h(
      'dl',
      {},
      issues.map((i) => [h('dt', {}, `${issueName(i)} (${i.id})`), h('dd', {}, issueScale(i), i.description ? h('div', { class: 'muted' }, i.description) : null)]),
    ),
  );

  // The whole spec as JSON, for what the table does not edit.
  const jsonText = h('textarea', { id: 'spec-json', rows: 16, spellcheck: 'false' }, JSON.stringify(ctx.detail.spec, null, 2));
  const jsonStatus = h('div', { class: 'status', 'aria-live': 'polite' });
  const jsonEditor = h(
    'details',
    { class: 'json-editor' },
    h('summary', {}, 'Edit the whole scenario as JSON'),
    jsonText,
    h(
      'div',
      { class: 'row' },
      h(
        'button',
        {
          type: 'button',
          onclick: async () => {
            let parsed: ScenarioSpec;
            try {
              parsed = JSON.parse(jsonText.value) as ScenarioSpec;
            } catch (e) {
              setMessage(jsonStatus, 'error', `Not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
              return;
            }
            setMessage(jsonStatus, 'info', 'Saving…');
            try {
              const s = await api.updateScenario(ctx.id, parsed);
              flash = `Saved as version ${s.version}.`;
              if (location.hash === scenarioHref(ctx.id, 'actors')) window.dispatchEvent(new HashChangeEvent('hashchange'));
              else location.hash = scenarioHref(ctx.id, 'actors');
            } catch (e) {
              setMessage(jsonStatus, 'error', `Not saved: ${errorText(e)}`);
            }
          },
        },
        'Save JSON as a new version',
      ),
    ),
    jsonStatus,
  );

  panel.append(form, issueList, jsonEditor);
  if (flash) {
    setMessage(status, 'ok', flash);
    flash = null;
  }
}
