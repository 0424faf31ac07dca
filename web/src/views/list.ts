// The scenario list: every stored scenario, upload a new one, delete.

import { api, errorText } from '../api';
import { bigCount, clear, h, setMessage, when } from '../dom';
import type { Route } from '../main';
import type { ScenarioSummary } from '../types';

type CreateBody = Parameters<typeof api.createScenario>[0];

/** Reads the chosen files into a create request: one TOML or JSON file, or a GENIUS folder's XML files. */
async function bodyFromFiles(files: File[]): Promise<CreateBody> {
  if (files.length === 0) throw new Error('Choose a file first.');
  const xml = files.filter((f) => f.name.toLowerCase().endsWith('.xml'));
  if (xml.length > 0) {
    if (xml.length < 2) throw new Error('A GENIUS scenario needs its domain file and at least one profile: choose all the XML files of the folder.');
    const entries = await Promise.all(xml.map(async (f) => [f.name, await f.text()] as const));
    return { format: 'genius', files: Object.fromEntries(entries) };
  }
  if (files.length > 1) throw new Error('Choose one TOML or JSON file, or the XML files of one GENIUS folder.');
  const f = files[0];
  const name = f.name.toLowerCase();
  if (name.endsWith('.toml')) return { format: 'toml', text: await f.text() };
  if (name.endsWith('.json')) return { format: 'json', text: await f.text() };
  if (name.endsWith('.csv')) return { format: 'ktab', text: await f.text() };
  throw new Error(`${f.name}: expected a .toml or .json scenario, a KTAB .csv actor table, or GENIUS .xml files.`);
}

function uploadForm(onCreated: (s: ScenarioSummary) => void): HTMLElement {
  const status = h('div', { class: 'status', 'aria-live': 'polite' });
  const fileInput = h('input', { type: 'file', id: 'upload-file', accept: '.toml,.json,.csv,.xml', multiple: true });
  const folderInput = h('input', { type: 'file', id: 'upload-folder' });
  folderInput.setAttribute('webkitdirectory', '');
  const text = h('textarea', {
    id: 'upload-text',
    rows: 8,
    spellcheck: 'false',
    placeholder: 'Or paste a scenario here (Detente TOML or JSON; see docs/scenario-format.md)',
  });
  const format = h(
    'select',
    { id: 'upload-format', 'aria-label': 'Format of the pasted text' },
    h('option', { value: 'toml' }, 'TOML'),
    h('option', { value: 'json' }, 'JSON'),
  );
  const submit = async (body: CreateBody): Promise<void> => {
    setMessage(status, 'info', 'Uploading…');
    try {
      const s = await api.createScenario(body);
      clear(status);
      status.append(
        h('p', { class: 'msg msg-ok', role: 'status' }, 'Created ', h('a', { href: `#/scenarios/${encodeURIComponent(s.id)}` }, s.name), ` (version ${s.version}).`),
      );
      onCreated(s);
    } catch (e) {
      setMessage(status, 'error', errorText(e));
    }
  };
  const fromFiles = async (input: HTMLInputElement): Promise<void> => {
    try {
      await submit(await bodyFromFiles(Array.from(input.files ?? [])));
    } catch (e) {
      if (e instanceof Error && !('status' in e)) setMessage(status, 'error', e.message);
    }
  };
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'upload-h' },
    h('h2', { id: 'upload-h' }, 'Add a scenario'),
    h(
      'div',
      { class: 'row' },
      h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'A TOML or JSON scenario, a KTAB .csv, or a GENIUS folder’s XML files'), fileInput),
      h('button', { type: 'button', id: 'upload-file-button', onclick: () => void fromFiles(fileInput) }, 'Upload files'),
      h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'A GENIUS folder'), folderInput),
      h('button', { type: 'button', onclick: () => void fromFiles(folderInput) }, 'Upload folder'),
    ),
    h('div', { class: 'row' }, text),
    h(
      'div',
      { class: 'row' },
      format,
      h(
        'button',
        {
          type: 'button',
          id: 'upload-text-button',
          onclick: () => {
            if (!text.value.trim()) {
              setMessage(status, 'error', 'Paste a scenario first.');
              return;
            }
            void submit({ format: format.value as 'toml' | 'json', text: text.value });
          },
        },
        'Create from text',
      ),
    ),
    status,
  );
}

export async function renderList(main: HTMLElement, r: Route): Promise<void> {
  const status = h('div', { class: 'status', 'aria-live': 'polite' });
  const body = h('div', { id: 'scenario-list' }, 'Loading…');
  main.append(h('h1', {}, 'Scenarios'), status, body);

  const load = async (): Promise<void> => {
    const list = await api.listScenarios();
    if (!r.alive()) return;
    clear(body);
    if (list.length === 0) {
      body.append(h('p', {}, 'No scenarios yet. Add one below.'));
      return;
    }
    const rows = list.map((s) =>
      h(
        'tr',
        { 'data-scenario-id': s.id },
        h('th', { scope: 'row' }, h('a', { href: `#/scenarios/${encodeURIComponent(s.id)}` }, s.name)),
        h('td', { class: 'num' }, s.n_actors),
        h('td', { class: 'num' }, s.n_issues),
        h('td', { class: 'num' }, bigCount(s.n_outcomes)),
        h('td', { class: 'num' }, s.version),
        h('td', {}, when(s.updated_at)),
        h(
          'td',
          { class: 'actions' },
          h('a', { href: `#/scenarios/${encodeURIComponent(s.id)}/space` }, 'Utility space'),
          ' · ',
          h('a', { href: `#/scenarios/${encodeURIComponent(s.id)}/forecasts` }, 'Forecasts'),
          ' ',
          h(
            'button',
            {
              type: 'button',
              class: 'danger',
              'aria-label': `Delete ${s.name}`,
              onclick: async () => {
                if (!confirm(`Delete “${s.name}”, all its versions and its results?`)) return;
                try {
                  await api.deleteScenario(s.id);
                  setMessage(status, 'ok', `Deleted “${s.name}”.`);
                  await load();
                } catch (e) {
                  setMessage(status, 'error', errorText(e));
                }
              },
            },
            'Delete',
          ),
        ),
      ),
    );
    body.append(
      h(
        'table',
        { class: 'list' },
        h('caption', {}, `${list.length} scenario${list.length === 1 ? '' : 's'}, newest first`),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Name', 'Actors', 'Issues', 'Outcomes', 'Version', 'Updated', ''].map((x) => h('th', { scope: 'col' }, x)),
          ),
        ),
        h('tbody', {}, rows),
      ),
    );
  };

  main.append(
    uploadForm(() => {
      void load().catch((e) => setMessage(status, 'error', errorText(e)));
    }),
  );
  await load();
}
