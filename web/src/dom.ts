// A few DOM helpers: enough to build the views without a framework.

type Child = Node | string | number | null | undefined | false;
export type Children = Child | readonly Children[];
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

/** `h('button', { class: 'x', onclick: f }, 'Save')`. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Children[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') {
      el.addEventListener(k.slice(2), v as EventListener);
    } else if (k === 'value' && 'value' in el) {
      (el as HTMLInputElement).value = String(v);
    } else if (k === 'checked' && 'checked' in el) {
      (el as HTMLInputElement).checked = Boolean(v);
    } else if (v === true) {
      el.setAttribute(k, '');
    } else {
      el.setAttribute(k, String(v));
    }
  }
  append(el, ...children);
  return el;
}

/** Appends children, flattening arrays and skipping null, undefined and false. */
export function append(el: Element, ...children: Children[]): void {
  for (const c of (children as unknown[]).flat(Infinity) as Child[]) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'number' ? String(c) : c);
  }
}

export function clear(el: Element): void {
  while (el.firstChild) el.firstChild.remove();
}

/** A status line: `kind` is info, error or ok. */
export function message(kind: 'info' | 'error' | 'ok', text: string): HTMLElement {
  return h('p', { class: `msg msg-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

export function setMessage(slot: Element, kind: 'info' | 'error' | 'ok', text: string): void {
  clear(slot);
  if (text) slot.append(message(kind, text));
}

/** Numbers for people: at most `digits` significant decimals, no trailing zeros. */
export function fmt(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  const abs = Math.abs(x);
  let s: string;
  if (abs !== 0 && (abs >= 1e7 || abs < 1e-4)) s = x.toExponential(2);
  else if (abs >= 1000) s = Math.round(x).toLocaleString('en-GB');
  else s = String(Number(x.toPrecision(Math.max(digits, Math.ceil(Math.log10(abs + 1)) + 1))));
  return s.replace('-', '−');
}

export function pct(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  return `${(x * 100).toFixed(digits)}%`;
}

/** A decimal string (may exceed 2^53) with thousands separators. */
export function bigCount(x: string | number): string {
  const s = String(x);
  if (!/^\d+$/.test(s)) return s;
  if (s.length > 15) return `${s.slice(0, 1)}.${s.slice(1, 3)} × 10^${s.length - 1}`;
  return s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

export function labelled(label: string, control: HTMLElement, hint?: string): HTMLElement {
  return h('label', { class: 'field' }, h('span', { class: 'field-label' }, label), control, hint ? h('small', {}, hint) : null);
}

export function table(head: string[], rows: Children[][], attrs: Attrs = {}): HTMLTableElement {
  return h(
    'table',
    attrs,
    h('thead', {}, h('tr', {}, head.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c))))),
  );
}

/** A job or result id short enough to read: the first 8 characters of a UUID. */
export function shortId(id: string): string {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-/i.test(id) ? id.slice(0, 8) : id;
}
