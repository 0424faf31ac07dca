// The shapes of the server's API (docs: /tmp/api_contract.md, README's JSON keys).

export interface ScenarioSummary {
  id: string;
  name: string;
  version: number;
  n_actors: number;
  n_issues: number;
  /** A decimal string: may exceed 2^53. */
  n_outcomes: string | number;
  created_at: string;
  updated_at: string;
}

export interface ScenarioDetail extends ScenarioSummary {
  spec: ScenarioSpec;
  versions: number[];
  warnings: string[];
}

export interface IssueSpec {
  id: string;
  name?: string;
  description?: string;
  kind: 'continuous' | 'integer' | 'discrete';
  min?: number;
  max?: number;
  step?: number;
  unit?: string;
  options?: string[];
  ordered?: boolean;
}

export interface SpatialPreferences {
  type: 'spatial';
  shape?: 'linear' | 'quadratic';
  position: Record<string, number | string>;
  salience: Record<string, number>;
}

export interface OtherPreferences {
  type: 'linear-additive' | 'constraint';
  [key: string]: unknown;
}

export interface ActorSpec {
  id: string;
  name?: string;
  capability?: number;
  at_table?: boolean;
  veto?: boolean;
  reservation?: number;
  discount?: number;
  estimates?: Record<string, string>;
  uncertainty?: Record<string, unknown>;
  preferences: SpatialPreferences | OtherPreferences;
}

export interface ScenarioSpec {
  name: string;
  description?: string;
  source?: string;
  issues: IssueSpec[];
  actors: ActorSpec[];
}

export type Outcome = Record<string, string | number>;

export interface FrontierPoint {
  outcome: Outcome;
  utilities: number[];
}

export interface Solution extends FrontierPoint {
  score: number;
  ties: FrontierPoint[] | Outcome[];
}

export interface Zopa {
  actors: string[];
  size: number | string;
  share: number;
  blocked_by: Record<string, number | string>;
}

export interface Analysis {
  result_id?: string | number;
  actors: string[];
  actor_ids: string[];
  n_outcomes: number | string;
  method: { name: string; exact: boolean; nodes?: number; epsilon?: number };
  issues: { id: string; name: string; levels: number | string }[];
  pareto: FrontierPoint[];
  nash: Solution | null;
  weighted_nash: Solution | null;
  kalai_smorodinsky: Solution | null;
  egalitarian: Solution | null;
  utilitarian: Solution | null;
  zopa: { at_table: Zopa | null; with_vetoes: Zopa | null } | null;
  notes: string[];
  warnings: string[];
}

export interface OutcomeSample {
  actors: string[];
  points: [number, number][];
}

export interface ForecastIssue {
  id: string;
  name: string;
  min: number;
  max: number;
  unit: string | null;
  options: string[] | null;
}

export interface Forecast {
  result_id?: string | number;
  /** The scenario version it was run on (server results). */
  version?: number;
  scenario?: string;
  model: string;
  stop: string;
  rounds: number;
  actors: { id: string; name: string; capability: number }[];
  issues: ForecastIssue[];
  outcome: Record<string, number>;
  outcome_normalised: Record<string, number>;
  nearest_option?: Record<string, string>;
  trajectory: number[][][];
  trajectory_normalised?: number[][][];
  /** Issues whose positions cycle up to the round limit (the expected-utility model). */
  cycles?: ForecastCycle[];
  warnings: string[];
}

export interface ForecastCycle {
  issue: string;
  period: number;
  since_round: number;
  /** The settlement after each round of the last cycle, in the issue's units; the last is the forecast. */
  outcomes: number[];
  outcomes_normalised: number[];
}

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface Job {
  id: string;
  kind: 'sensitivity' | 'forecast' | 'negotiation' | 'tournament';
  status: JobStatus;
  progress: { done: number; total: number };
  error?: string | null;
  scenario_id?: string | null;
  version?: number | null;
  created_at: string;
  updated_at: string;
}

export interface TornadoBar {
  input: number;
  actor: string;
  parameter: string;
  issue: string | null;
  low: number;
  high: number;
  swing: number;
  rank_correlation: number | null;
}

export interface SensitivityIssue {
  id: string;
  name: string;
  base: number;
  mean: number;
  std_dev: number;
  min: number;
  max: number;
  quantiles: { p: number; value: number }[];
  histogram: { edges: number[]; counts: number[] };
  tornado: TornadoBar[];
  /** Runs whose positions on the issue cycle up to the round limit (expected utility). */
  cycling_runs?: number;
}

export interface Sensitivity {
  scenario?: string;
  model: string;
  /** Requested. */
  runs: number;
  /** Runs in the statistics; absent from results stored before `skip_failed`. */
  completed_runs?: number;
  /** Runs left out by `skip_failed`; the first 10 in `failures`. */
  failed_runs?: number;
  failures?: { run: number; error: string }[];
  seed: number;
  base: Forecast;
  issues: SensitivityIssue[];
  warnings: string[];
}

export interface TraceEntry {
  step: number;
  round: number;
  party: string | null;
  action: string;
  outcome: Outcome | null;
  utilities: Record<string, number> | null;
}

export interface NegotiationParty {
  party: number;
  actor: string;
  agent: string;
  utility: number;
  outcome_utility?: number;
  reservation: number;
  advantage: number;
  offers: number;
}

export interface Negotiation {
  scenario?: string;
  protocol: string;
  rounds_limit: number;
  seed: number;
  parties: NegotiationParty[];
  ending: { kind: string; [k: string]: unknown };
  agreement: Outcome | null;
  steps: number;
  rounds: number;
  time: number;
  welfare: number;
  nash_point?: number[] | null;
  nash_distance?: number | null;
  pareto_distance?: number | null;
  /** The trace: the `--trace out.json` object, or its entries alone. */
  trace?: { entries: TraceEntry[]; parties?: { actor: string; agent: string }[] } | TraceEntry[];
  entries?: TraceEntry[];
}

export interface LeaderboardRow {
  strategy: string;
  negotiations: number;
  mean_utility: number;
  mean_advantage: number;
  agreement_rate: number;
  mean_welfare: number;
  mean_nash_distance: number | null;
  mean_pareto_distance: number | null;
  mean_rounds: number;
  [k: string]: unknown;
}

export interface TournamentResult {
  leaderboard: LeaderboardRow[];
  records: unknown[];
  tournament?: Record<string, unknown>;
}

export interface Health {
  status: string;
  version: string;
  database: string;
}
