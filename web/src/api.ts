// A thin client for the Detente server's API. Writes carry the bearer token
// kept in localStorage; errors become ApiError with the server's code, message
// and field.

import type {
  Analysis,
  Forecast,
  Health,
  Job,
  OutcomeSample,
  ScenarioDetail,
  ScenarioSpec,
  ScenarioSummary,
} from './types';

const TOKEN_KEY = 'detente.token';

export function getToken(): string {
  try {
    return localStorage.getItem(TOKEN_KEY) ?? '';
  } catch {
    return '';
  }
}

export function setToken(token: string): void {
  try {
    if (token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    /* storage disabled: the token lasts for this page only */
  }
  memoryToken = token;
}

let memoryToken = '';

function token(): string {
  return getToken() || memoryToken;
}

/** Where in a scenario an error lies, when the server says (`error.locator`). */
export interface Locator {
  actor?: string | null;
  issue?: string | null;
  field?: string | null;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly locator?: Locator,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** A sentence for the user, with what to do about 401 and 403. */
  explain(): string {
    if (this.status === 401) {
      return token()
        ? `The server did not accept the API token (401 ${this.code}): check the token in the field at the top of the page.`
        : `This change needs an API token (401 ${this.code}): enter the server's token in the field at the top of the page.`;
    }
    if (this.status === 403) {
      return `The server refused the API token (403 ${this.code}: ${this.message}): check the token in the field at the top of the page, or make one with \`detente token create\`.`;
    }
    if (this.status === 0) return `The server cannot be reached: ${this.message}`;
    return `${this.message} (${this.status} ${this.code}${this.field ? `, field ${this.field}` : ''})`;
  }
}

export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.explain();
  if (e instanceof Error) return e.message;
  return String(e);
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const t = token();
  // Reads are open on loopback; send the token anyway when there is one, so a
  // server that protects reads too works.
  if (t) headers.Authorization = `Bearer ${t}`;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, 'network', e instanceof Error ? e.message : String(e));
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }
  if (!res.ok) {
    const err = (data as { error?: { code?: string; message?: string; field?: string; locator?: Locator } } | undefined)?.error;
    throw new ApiError(
      res.status,
      err?.code ?? `http_${res.status}`,
      err?.message ?? (text.trim().slice(0, 300) || res.statusText || 'request failed'),
      err?.field ?? undefined,
      err?.locator && typeof err.locator === 'object' ? err.locator : undefined,
    );
  }
  if (data === undefined && text) throw new ApiError(res.status, 'bad_json', 'the server answered with something other than JSON');
  return data as T;
}

const enc = encodeURIComponent;

export const api = {
  health: () => request<Health>('GET', '/api/health'),
  listScenarios: () => request<ScenarioSummary[]>('GET', '/api/scenarios'),
  getScenario: (id: string, version?: number) =>
    request<ScenarioDetail>('GET', version === undefined ? `/api/scenarios/${enc(id)}` : `/api/scenarios/${enc(id)}/versions/${version}`),
  createScenario: (body: { format: 'toml' | 'json' | 'ktab'; text: string } | { format: 'genius'; files: Record<string, string> }) =>
    request<ScenarioSummary>('POST', '/api/scenarios', body),
  updateScenario: (id: string, spec: ScenarioSpec) => request<ScenarioSummary>('PUT', `/api/scenarios/${enc(id)}`, { spec }),
  deleteScenario: (id: string) => request<void>('DELETE', `/api/scenarios/${enc(id)}`),
  analyse: (id: string, body: { version?: number; actors?: string[] }) =>
    request<Analysis>('POST', `/api/scenarios/${enc(id)}/analysis`, body),
  storedAnalysis: (id: string, version?: number) =>
    request<Analysis>('GET', `/api/scenarios/${enc(id)}/analysis${version === undefined ? '' : `?version=${version}`}`),
  outcomes: (id: string, version: number | undefined, actors: string[], limit = 2000) => {
    const q = new URLSearchParams();
    if (version !== undefined) q.set('version', String(version));
    q.set('actors', actors.join(','));
    q.set('limit', String(limit));
    return request<OutcomeSample>('GET', `/api/scenarios/${enc(id)}/outcomes?${q.toString()}`);
  },
  forecast: (
    id: string,
    body: { version?: number; model: string; rounds?: number; seed?: number; params?: string[] },
  ) => request<Forecast>('POST', `/api/scenarios/${enc(id)}/forecasts`, body),
  startJob: (body: Record<string, unknown>) => request<Job>('POST', '/api/jobs', body),
  listJobs: () => request<Job[]>('GET', '/api/jobs'),
  getJob: (id: string) => request<Job>('GET', `/api/jobs/${enc(id)}`),
  cancelJob: (id: string) => request<Job>('POST', `/api/jobs/${enc(id)}/cancel`),
  jobResult: <T>(id: string) => request<T>('GET', `/api/jobs/${enc(id)}/result`),
};

export const FINISHED: ReadonlySet<string> = new Set(['succeeded', 'failed', 'cancelled']);
