// window.__detente: what the browser test reads to check that the dashboard
// rendered real data. Nothing in the app depends on it.

export interface ChartRecord {
  series: { name: string; type: string; points: number }[];
  rendered: boolean;
}

export interface DetenteHook {
  route: string;
  charts: Record<string, ChartRecord>;
  scenario: { id: string; version: number; name: string } | null;
  forecast: { model: string; stop: string; rounds: number; outcome: Record<string, number> } | null;
  compare: Record<string, Record<string, number> | { error: string }> | null;
  sensitivity: { jobId: string; issues: number } | null;
  negotiation: { jobId: string; ending: string; offers: number } | null;
  tournament: { jobId: string; strategies: string[] } | null;
  errors: string[];
}

declare global {
  interface Window {
    __detente: DetenteHook;
  }
}

export function hook(): DetenteHook {
  if (!window.__detente) {
    window.__detente = {
      route: '',
      charts: {},
      scenario: null,
      forecast: null,
      compare: null,
      sensitivity: null,
      negotiation: null,
      tournament: null,
      errors: [],
    };
  }
  return window.__detente;
}
