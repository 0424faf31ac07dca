// The forecasting models and negotiating agents the server knows.

export const MODELS: { id: string; label: string; help: string }[] = [
  { id: 'compromise', label: 'Compromise (Achen)', help: 'Σ c·s·x / Σ c·s: the capability- and salience-weighted mean position' },
  { id: 'median', label: 'Weighted median', help: 'the capability·salience-weighted median: the Condorcet winner on one dimension' },
  { id: 'nash', label: 'Nash bargaining', help: 'the Nash bargaining solution over each issue’s scale' },
  { id: 'weighted-nash', label: 'Weighted Nash', help: 'Nash bargaining with each gain raised to capability × salience' },
  { id: 'eu', label: 'Expected utility (Bueno de Mesquita)', help: 'challenges, probabilities of success, offers and moves, round by round' },
  { id: 'smp', label: 'Spatial model of politics (KTAB)', help: 'votes, coalitions and the probabilistic Condorcet election, round by round' },
];

export const AGENTS = ['boulware', 'linear', 'conceder', 'time-based(e=0.5)', 'aspiration', 'tit-for-tat', 'micro', 'hardheaded', 'random'];

export function modelLabel(id: string): string {
  return MODELS.find((m) => m.id === id)?.label ?? id;
}
