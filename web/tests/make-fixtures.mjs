// Regenerates the mock server's fixtures from the real CLI, trimmed to keep
// them small:  node tests/make-fixtures.mjs
// DETENTE_BIN names the binary (default: ../target/release/detente, built by
// `cargo build --release`).

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const bin = process.env.DETENTE_BIN ?? join(root, 'target/release/detente');
const scenario = join(root, 'scenarios/riyadh-2025.toml');
const out = join(here, 'fixtures');
const tmp = mkdtempSync(join(tmpdir(), 'detente-fixtures-'));

const run = (...args) => execFileSync(bin, args, { cwd: root, maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] }).toString();
const json = (...args) => JSON.parse(run(...args));
const round = (x) => (typeof x === 'number' && !Number.isInteger(x) ? Number(x.toPrecision(6)) : x);
const deep = (v) => (Array.isArray(v) ? v.map(deep) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deep(x)])) : round(v));
const write = (name, v) => writeFileSync(join(out, name), `${JSON.stringify(v)}\n`);

// The seed scenario as the server stores it (ScenarioSpec JSON).
run('convert', scenario, join(tmp, 'riyadh.json'));
write('riyadh.json', JSON.parse(readFileSync(join(tmp, 'riyadh.json'), 'utf8')));

// A GENIUS domain as the server converts it: the mock answers an upload of Laptop's files with it.
run('convert', join(root, 'testdata/genius/Laptop'), join(tmp, 'laptop.json'));
write('laptop.json', JSON.parse(readFileSync(join(tmp, 'laptop.json'), 'utf8')));

// The analysis of the two actors at the table: the mock checks its own against it.
write('analysis-us-russia.json', json('analyze', scenario, '--json', '--actors', 'us,russia'));

// Every forecasting model.
const forecasts = {};
for (const m of ['compromise', 'median', 'nash', 'weighted-nash', 'eu', 'smp']) {
  const f = json('forecast', scenario, '--model', m, '--json');
  delete f.trajectory_normalised;
  forecasts[m] = deep(f);
}
write('forecasts.json', forecasts);

// Sensitivity: the twelve largest swings per issue, no normalised copy; the
// compromise, and the expected-utility model, whose runs can end in cycles.
const sensitivity = (model, runs) => {
  const s = json('sensitivity', scenario, '--model', model, '--runs', String(runs), '--seed', '7', '--json');
  delete s.inputs;
  delete s.base.trajectory_normalised;
  delete s.base.trajectory;
  for (const i of s.issues) {
    delete i.normalised;
    i.tornado = i.tornado.slice(0, 12);
  }
  return deep(s);
};
write('sensitivity.json', sensitivity('compromise', 2000));
write('sensitivity-eu.json', sensitivity('eu', 200));

// A multilateral negotiation between the four actors whose consent is needed, with its trace.
const n = json('negotiate', scenario, '--agents', 'conceder,conceder,conceder,conceder', '--protocol', 'multilateral', '--rounds', '60', '--seed', '1', '--json', '--trace', join(tmp, 'trace.json'));
const trace = JSON.parse(readFileSync(join(tmp, 'trace.json'), 'utf8'));
// Keep the outcome only on accepted offers, to keep the file small.
trace.entries = trace.entries.map((e) => (e.action === 'accept' ? e : { ...e, outcome: null }));
n.trace = trace;
write('negotiation.json', deep(n));

// A small tournament, with its records.
const dir = join(tmp, 'tour');
const t = json('tournament', scenario, '--protocol', 'multilateral', '--agents', 'boulware,conceder,linear,aspiration', '--reps', '1', '--rounds', '50', '--seed', '1', '--roles', 'rotations', '--out', dir, '--json');
const records = readFileSync(join(dir, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
write('tournament.json', deep({ leaderboard: t.leaderboard, records, tournament: t.tournament }));

rmSync(tmp, { recursive: true, force: true });
console.log(`fixtures written to ${out}`);
