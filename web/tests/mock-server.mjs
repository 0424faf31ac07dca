// A small stand-in for `detente serve`, following /api as the contract
// describes it, for developing and testing the dashboard without the Rust
// server. It serves the built dashboard at / and keeps everything in memory.
//
//   node tests/mock-server.mjs [--port 8787]      (MOCK_TOKEN sets the write token, default mock-token)
//
// Analyses and outcome samples are computed here for spatial and
// linear-additive scenarios (the seed case, Laptop); forecasts, sensitivity, negotiation and tournament results are
// fixtures made by the real CLI (tests/make-fixtures.mjs).

import { createServer } from 'node:http';
import { readFileSync, existsSync, statSync } from 'node:fs';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, 'fixtures');
const dist = resolve(here, '../../crates/detente-server/assets/dist');
const fx = (name) => JSON.parse(readFileSync(join(fixtures, name), 'utf8'));
export const TOKEN = process.env.MOCK_TOKEN ?? 'mock-token';

// ------------------------------------------------------------------ the model

function levels(issue) {
  if (issue.kind === 'discrete') return issue.options.slice();
  if (issue.kind === 'integer') {
    const out = [];
    for (let x = issue.min; x <= issue.max; x++) out.push(x);
    return out;
  }
  const out = [];
  if (issue.step) {
    for (let x = issue.min; x < issue.max - 1e-9; x += issue.step) out.push(Number(x.toPrecision(12)));
    out.push(issue.max);
  } else {
    for (let k = 0; k <= 20; k++) out.push(issue.min + ((issue.max - issue.min) * k) / 20);
  }
  return out;
}

function distance(issue, x, ideal) {
  if (issue.kind === 'discrete') {
    if (!issue.ordered) return x === ideal ? 0 : 1;
    const n = issue.options.length;
    return n <= 1 ? 0 : Math.abs(issue.options.indexOf(x) - issue.options.indexOf(ideal)) / (n - 1);
  }
  const span = issue.max - issue.min;
  return span === 0 ? 0 : Math.abs(x - ideal) / span;
}

/** u(outcome) for a spatial or linear-additive actor; null for constraint preferences. */
function utilityFn(spec, actor) {
  const p = actor.preferences;
  if (p.type === 'linear-additive') {
    const total = Object.values(p.weights).reduce((a, b) => a + b, 0) || 1;
    const terms = spec.issues.map((issue, i) => {
      const w = (p.weights[issue.id] ?? 0) / total;
      const ev = p.evaluations?.[issue.id];
      let f = () => 0;
      if (ev?.options) {
        const top = Math.max(...Object.values(ev.options), 0);
        f = (x) => (top > 0 ? ev.options[x] / top : 0);
      } else if (ev?.utilities) f = (x) => ev.utilities[x];
      else if (ev?.linear) f = (x) => ev.linear.slope * x + ev.linear.offset;
      return { i, w, f };
    });
    return (o) => terms.reduce((s, t) => s + (t.w ? t.w * t.f(o[t.i]) : 0), 0);
  }
  if (p.type !== 'spatial') return null;
  const total = Object.values(p.salience).reduce((a, b) => a + b, 0);
  const k = p.shape === 'quadratic' ? 2 : 1;
  const terms = spec.issues
    .map((issue, i) => ({ issue, i, w: (p.salience[issue.id] ?? 0) / total, ideal: p.position[issue.id] }))
    .filter((t) => t.w > 0);
  return (o) => 1 - terms.reduce((s, t) => s + t.w * distance(t.issue, o[t.i], t.ideal) ** k, 0);
}

function* outcomes(spec) {
  const ls = spec.issues.map(levels);
  const idx = ls.map(() => 0);
  const n = ls.reduce((a, l) => a * l.length, 1);
  for (let c = 0; c < n; c++) {
    yield idx.map((j, i) => ls[i][j]);
    for (let i = ls.length - 1; i >= 0; i--) {
      if (++idx[i] < ls[i].length) break;
      idx[i] = 0;
    }
  }
}

const size = (spec) => spec.issues.reduce((a, i) => a * levels(i).length, 1);
const consent = (spec) => {
  const c = spec.actors.filter((a) => (a.at_table ?? true) || a.veto).map((a) => a.id);
  return c.length >= 2 ? c : spec.actors.map((a) => a.id);
};

/** Refuses what the core refuses, in the shape `detente serve` answers: field `spec.actors.<key>` and a locator. */
function validate(spec) {
  const err = (message, field, locator = null) => ({ message, field, locator });
  if (!spec || typeof spec !== 'object') return err('the body has no spec', 'spec');
  if (!spec.name) return err('scenario has no name', 'spec.name');
  if (!Array.isArray(spec.issues) || spec.issues.length === 0) return err('scenario has no issues', 'spec.issues');
  if (!Array.isArray(spec.actors) || spec.actors.length === 0) return err('scenario has no actors', 'spec.actors');
  const issues = new Set(spec.issues.map((i) => i.id));
  const loc = (actor, issue, field) => ({ actor, issue, field, rectangle: null });
  for (const a of spec.actors) {
    const cap = a.capability ?? 1;
    if (!Number.isFinite(cap)) return err(`actor \`${a.id}\`: capability is ${cap}, expected a finite number`, 'spec.actors.capability', loc(a.id, null, 'capability'));
    if (cap < 0) return err(`actor \`${a.id}\`: capability is ${cap}, expected a capability ≥ 0`, 'spec.actors.capability', loc(a.id, null, 'capability'));
    if (!Number.isFinite(a.reservation ?? 0)) return err(`actor \`${a.id}\`: reservation is not a finite number`, 'spec.actors.reservation', loc(a.id, null, 'reservation'));
    const p = a.preferences;
    if (p?.type === 'spatial') {
      for (const [id, x] of Object.entries(p.salience ?? {})) {
        if (!issues.has(id)) return err(`actor \`${a.id}\`: salience refers to unknown issue \`${id}\``, 'spec.actors.preferences.salience', loc(a.id, id, 'salience'));
        if (!(x >= 0)) return err(`actor \`${a.id}\`, issue \`${id}\`: salience is ${x}, expected a salience ≥ 0`, `spec.actors.preferences.salience.${id}`, loc(a.id, id, 'salience'));
        if (x > 0 && p.position?.[id] === undefined) return err(`actor \`${a.id}\`: issue \`${id}\` has no position`, 'spec.actors.preferences.position', loc(a.id, id, 'position'));
      }
      for (const [id, x] of Object.entries(p.position ?? {})) {
        const issue = spec.issues.find((i) => i.id === id);
        if (issue && issue.kind !== 'discrete' && (x < issue.min || x > issue.max))
          return err(`actor \`${a.id}\`, issue \`${id}\`: position is ${x}, expected a position within [${issue.min}, ${issue.max}]`, `spec.actors.preferences.position.${id}`, loc(a.id, id, 'position'));
      }
    }
  }
  return null;
}

function outcomeObject(spec, o) {
  return Object.fromEntries(spec.issues.map((i, k) => [i.id, o[k]]));
}

/** The `detente analyze --json` object, computed by enumeration (spatial actors only). */
function analyse(spec, actorIds) {
  const actors = actorIds.map((id) => spec.actors.find((a) => a.id === id));
  if (actors.some((a) => !a)) throw Object.assign(new Error(`unknown actor among ${actorIds.join(', ')}`), { status: 422, code: 'unknown_actor', field: 'actors' });
  const fns = actors.map((a) => utilityFn(spec, a));
  if (fns.some((f) => !f)) throw Object.assign(new Error('the mock server analyses spatial and linear-additive preferences only'), { status: 422, code: 'unsupported' });
  const res = actors.map((a) => a.reservation ?? 0);
  const all = [];
  for (const o of outcomes(spec)) all.push({ o, u: fns.map((f) => f(o)) });
  // Pareto frontier (naive; fine for the seed case).
  const dominated = (p, q) => q.u.every((x, i) => x >= p.u[i]) && q.u.some((x, i) => x > p.u[i]);
  const sorted = all.slice().sort((p, q) => q.u[0] - p.u[0] || q.u.reduce((a, b) => a + b) - p.u.reduce((a, b) => a + b));
  const front = [];
  for (const p of sorted) if (!front.some((q) => dominated(p, q) || q.u.every((x, i) => x === p.u[i]))) front.push(p);
  const ir = front.filter((p) => p.u.every((x, i) => x >= res[i]));
  const caps = actors.map((a) => a.capability ?? 1);
  const capSum = caps.reduce((a, b) => a + b, 0) || 1;
  const best = (score) => {
    let top = null;
    for (const p of ir) {
      const s = score(p.u);
      if (!top || s > top.s + 1e-12) top = { p, s };
    }
    return top ? { outcome: outcomeObject(spec, top.p.o), utilities: top.p.u, score: top.s, ties: [] } : null;
  };
  const gains = (u) => u.map((x, i) => x - res[i]);
  const ideal = actors.map((_, i) => Math.max(...ir.map((p) => p.u[i]), res[i]));
  const zopaOf = (members) => {
    const ids = members.map((a) => a.id);
    const fs = members.map((a) => utilityFn(spec, a));
    const rs = members.map((a) => a.reservation ?? 0);
    let n = 0;
    const blocked = Object.fromEntries(members.map((a) => [a.name ?? a.id, 0]));
    for (const { o } of all) {
      const ok = fs.map((f, i) => f(o) >= rs[i] - 1e-9);
      const bad = ok.filter((x) => !x).length;
      if (bad === 0) n++;
      else if (bad === 1) blocked[members[ok.indexOf(false)].name ?? members[ok.indexOf(false)].id]++;
    }
    return { actors: members.map((a) => a.name ?? a.id), size: n, share: n / all.length, blocked_by: blocked, ids };
  };
  const table = spec.actors.filter((a) => a.at_table ?? true);
  const vetoes = spec.actors.filter((a) => (a.at_table ?? true) || a.veto);
  const strip = (z) => ({ actors: z.actors, size: z.size, share: z.share, blocked_by: z.blocked_by });
  return {
    actors: actors.map((a) => a.name ?? a.id),
    actor_ids: actorIds,
    issues: spec.issues.map((i) => ({ id: i.id, name: i.name ?? i.id, levels: levels(i).length })),
    n_outcomes: all.length,
    method: { name: 'enumeration', exact: true },
    pareto: front.map((p) => ({ outcome: outcomeObject(spec, p.o), utilities: p.u })),
    nash: best((u) => gains(u).reduce((a, b) => a * b, 1)),
    weighted_nash: best((u) => gains(u).reduce((a, g, i) => a * Math.max(g, 0) ** (caps[i] / capSum), 1)),
    kalai_smorodinsky: best((u) => Math.min(...gains(u).map((g, i) => (ideal[i] > res[i] ? g / (ideal[i] - res[i]) : 0)))),
    egalitarian: best((u) => Math.min(...gains(u))),
    utilitarian: best((u) => u.reduce((a, b) => a + b, 0)),
    zopa: { at_table: table.length ? strip(zopaOf(table)) : null, with_vetoes: vetoes.length ? strip(zopaOf(vetoes)) : null },
    notes: ['Computed by the mock server, not by Detente.'],
    warnings: [],
  };
}

function sample(spec, actorIds, limit) {
  const fns = actorIds.map((id) => {
    const a = spec.actors.find((x) => x.id === id);
    if (!a) throw Object.assign(new Error(`unknown actor \`${id}\``), { status: 422, code: 'unknown_actor', field: 'actors' });
    const f = utilityFn(spec, a);
    if (!f) throw Object.assign(new Error('the mock server samples spatial and linear-additive preferences only'), { status: 422, code: 'unsupported' });
    return f;
  });
  const n = size(spec);
  const every = Math.max(1, Math.ceil(n / limit));
  const points = [];
  let k = 0;
  for (const o of outcomes(spec)) {
    if (k++ % every === 0) points.push(fns.map((f) => f(o)));
  }
  return { actors: actorIds, points };
}

// ------------------------------------------------------------------ the store

const now = () => new Date().toISOString();
let nextId = 1;
const scenarios = new Map(); // id -> { versions: [{ version, spec, created_at }], created_at }
const results = new Map(); // `${id}@${version}` -> analysis with the default options
const jobs = new Map();
let nextJob = 1;

function addScenario(spec) {
  const id = String(nextId++);
  const t = now();
  scenarios.set(id, { created_at: t, versions: [{ version: 1, spec, created_at: t }] });
  return id;
}

function summary(id) {
  const s = scenarios.get(id);
  const v = s.versions[s.versions.length - 1];
  return summaryOf(id, s, v);
}

function summaryOf(id, s, v) {
  return {
    id,
    name: v.spec.name,
    version: v.version,
    n_actors: v.spec.actors.length,
    n_issues: v.spec.issues.length,
    n_outcomes: String(v.spec.issues.length ? size(v.spec) : 0),
    created_at: s.created_at,
    updated_at: v.created_at,
  };
}

function detail(id, version) {
  const s = scenarios.get(id);
  const v = version === undefined ? s.versions[s.versions.length - 1] : s.versions.find((x) => x.version === version);
  if (!v) throw Object.assign(new Error(`scenario ${id} has no version ${version}`), { status: 404, code: 'not_found' });
  return { ...summaryOf(id, s, v), spec: v.spec, versions: s.versions.map((x) => x.version), warnings: [] };
}

addScenario(fx('riyadh.json'));

// ------------------------------------------------------------------ jobs

const JOB_MS = Number(process.env.MOCK_JOB_MS ?? 1500);

function startJob(body) {
  const kinds = ['sensitivity', 'forecast', 'negotiation', 'tournament'];
  if (!kinds.includes(body.kind)) throw Object.assign(new Error(`kind must be one of ${kinds.join(', ')}`), { status: 422, code: 'invalid_job', field: 'kind' });
  if (body.kind !== 'tournament' && !scenarios.has(String(body.scenario_id)))
    throw Object.assign(new Error(`no scenario ${body.scenario_id}`), { status: 404, code: 'not_found', field: 'scenario_id' });
  if (body.kind === 'negotiation' && body.protocol === 'sao') {
    const spec = detail(String(body.scenario_id)).spec;
    const n = consent(spec).length;
    if (n !== 2)
      throw Object.assign(new Error(`--protocol sao: scenario \`${spec.name}\` has ${n} negotiating parties, but alternating offers take exactly two; use multilateral or mediated`), {
        status: 422,
        code: 'invalid_job',
        field: 'protocol',
      });
  }
  if (body.kind === 'forecast') mockForecast(String(body.scenario_id), body.model);
  const id = String(nextJob++);
  const total = body.kind === 'forecast' ? 100 : body.kind === 'sensitivity' ? Number(body.runs) || 1000 : body.kind === 'tournament' ? 4 : 1;
  const job = {
    id,
    kind: body.kind,
    status: 'queued',
    progress: { done: 0, total },
    scenario_id: body.kind === 'tournament' ? undefined : String(body.scenario_id),
    version: body.version ?? (body.kind === 'tournament' ? undefined : summary(String(body.scenario_id)).version),
    created_at: now(),
    updated_at: now(),
    body,
    started: Date.now(),
  };
  jobs.set(id, job);
  return job;
}

function tick(job) {
  if (['succeeded', 'failed', 'cancelled'].includes(job.status)) return job;
  const share = Math.min(1, (Date.now() - job.started) / JOB_MS);
  job.status = share >= 1 ? 'succeeded' : share > 0.05 ? 'running' : 'queued';
  job.progress.done = Math.round(share * job.progress.total);
  job.updated_at = now();
  return job;
}

const publicJob = (j) => {
  const { body: _b, started: _s, ...rest } = tick(j);
  return rest;
};

/** The fixture forecast of `model` on the seed scenario, or the error the server would give. */
function mockForecast(id, model) {
  const all = fx('forecasts.json');
  const f = all[model];
  if (!f) throw new HttpError(422, 'unknown_model', `model must be one of ${Object.keys(all).join(', ')}`, 'model');
  if (detail(id).spec.name !== f.scenario) throw new HttpError(422, 'unsupported', 'the mock server has forecasts for the seed scenario only');
  return f;
}

function jobResult(job) {
  const b = job.body;
  if (job.kind === 'forecast') return mockForecast(String(b.scenario_id), b.model);
  if (job.kind === 'sensitivity') {
    const s = fx(b.model === 'eu' ? 'sensitivity-eu.json' : 'sensitivity.json');
    s.runs = Number(b.runs) || s.runs;
    s.seed = Number(b.seed ?? s.seed);
    if (b.model && b.model !== s.model) s.warnings = [...(s.warnings ?? []), `mock server: the result is the ${s.model} model's, not ${b.model}'s`];
    return s;
  }
  if (job.kind === 'negotiation') {
    const n = fx('negotiation.json');
    n.protocol = b.protocol ?? n.protocol;
    n.seed = b.seed ?? n.seed;
    (b.agents ?? []).forEach((a, k) => n.parties[k] && (n.parties[k].agent = a));
    return n;
  }
  return fx('tournament.json');
}

// ------------------------------------------------------------------ http

class HttpError extends Error {
  constructor(status, code, message, field, locator) {
    super(message);
    Object.assign(this, { status, code, field, locator });
  }
}

function send(res, status, body) {
  if (status === 204) {
    res.writeHead(204);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(text);
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon' };

function serveStatic(req, res, path) {
  const rel = normalize(decodeURIComponent(path)).replace(/^(\.\.[/\\])+/, '');
  let file = join(dist, rel);
  if (!file.startsWith(dist)) return send(res, 403, { error: { code: 'forbidden', message: 'outside the dashboard' } });
  if (!existsSync(file) || statSync(file).isDirectory()) file = join(dist, 'index.html');
  if (!existsSync(file)) {
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('The dashboard is not built: run `npm run build` in web/.');
    return undefined;
  }
  res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
  res.end(readFileSync(file));
  return undefined;
}

async function readBody(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new HttpError(400, 'bad_json', `the body is not JSON: ${e.message}`);
  }
}

function authorise(req) {
  const h = req.headers.authorization ?? '';
  const m = /^Bearer (.+)$/.exec(h);
  // As `detente serve` answers: 401 without a token, 403 with an unknown one.
  if (!m) throw new HttpError(401, 'unauthorized', 'this request needs an API token: `Authorization: Bearer <token>` (make one with `detente token create`)');
  if (m[1].trim() !== TOKEN) throw new HttpError(403, 'forbidden', 'this API token is not valid');
}

function scenarioOr404(id) {
  if (!scenarios.has(id)) throw new HttpError(404, 'not_found', `no scenario ${id}`);
  return scenarios.get(id);
}

async function api(req, res, url) {
  const parts = url.pathname.split('/').filter(Boolean).slice(1); // after "api"
  const m = req.method;
  if (m !== 'GET' && m !== 'HEAD') authorise(req);
  const [a, id, b, c] = parts;
  if (a === 'health' && m === 'GET') return send(res, 200, { status: 'ok', version: '0.1.0-mock', database: 'sqlite' });
  if (a === 'openapi.json') return send(res, 200, { openapi: '3.1.0', info: { title: 'Detente (mock)', version: '0.1.0' }, paths: {} });
  if (a === 'scenarios') {
    if (!id) {
      if (m === 'GET') return send(res, 200, [...scenarios.keys()].reverse().map(summary));
      if (m === 'POST') {
        const body = await readBody(req);
        let spec;
        if (body.format === 'json') {
          try {
            spec = JSON.parse(body.text);
          } catch (e) {
            throw new HttpError(422, 'invalid_scenario', `line 1: ${e.message}`, 'text');
          }
        } else if (body.format === 'toml' || body.format === 'ktab') {
          const name = body.format === 'ktab' ? 'KTAB actor table' : /^\s*name\s*=\s*"([^"]*)"/m.exec(body.text ?? '')?.[1];
          if (!name) throw new HttpError(422, 'invalid_scenario', 'scenario.toml:1:1: missing field `name`', 'name');
          spec = { name, issues: [{ id: 'x', kind: 'integer', min: 0, max: 1 }], actors: [{ id: 'a', preferences: { type: 'spatial', position: { x: 0 }, salience: { x: 1 } } }] };
        } else if (body.format === 'genius') {
          const names = Object.keys(body.files ?? {}).sort();
          if (names.length < 2) throw new HttpError(400, 'invalid_scenario', 'a GENIUS scenario needs a domain and at least one profile', 'files');
          // The mock reads no XML: it knows Laptop's files, converted by the CLI.
          if (names.join(',') !== 'laptop_buyer_utility.xml,laptop_domain.xml,laptop_seller_utility.xml')
            throw new HttpError(422, 'unsupported', 'the mock server knows only the GENIUS Laptop domain (testdata/genius/Laptop)', 'files');
          spec = fx('laptop.json');
        } else throw new HttpError(422, 'invalid_format', 'format must be toml, json or genius', 'format');
        const bad = validate(spec);
        if (bad) throw new HttpError(400, 'invalid_scenario', bad.message, bad.field, bad.locator);
        return send(res, 201, summary(addScenario(spec)));
      }
    } else {
      const s = scenarioOr404(id);
      if (!b) {
        if (m === 'GET') return send(res, 200, detail(id));
        if (m === 'DELETE') {
          scenarios.delete(id);
          return send(res, 204);
        }
        if (m === 'PUT') {
          const body = await readBody(req);
          const spec = body.spec;
          if (!spec) throw new HttpError(422, 'invalid_scenario', 'the mock server accepts {"spec": ...} only', 'spec');
          const bad = validate(spec);
          if (bad) throw new HttpError(400, 'invalid_scenario', bad.message, bad.field, bad.locator);
          const v = s.versions[s.versions.length - 1].version + 1;
          s.versions.push({ version: v, spec, created_at: now() });
          return send(res, 200, summary(id));
        }
      }
      if (b === 'versions' && c && m === 'GET') return send(res, 200, detail(id, Number(c)));
      const version = Number(url.searchParams.get('version')) || undefined;
      if (b === 'analysis') {
        if (m === 'GET') {
          const v = version ?? summary(id).version;
          const r = results.get(`${id}@${v}`);
          if (!r) throw new HttpError(404, 'not_computed', 'no analysis with the default options has been computed for this version');
          return send(res, 200, r);
        }
        if (m === 'POST') {
          const body = await readBody(req);
          const d = detail(id, body.version);
          const actors = body.actors?.length ? body.actors : consent(d.spec);
          const r = { ...analyse(d.spec, actors), result_id: `a${d.version}-${actors.join('-')}` };
          if (!body.actors?.length) results.set(`${id}@${d.version}`, r);
          return send(res, 200, r);
        }
      }
      if (b === 'outcomes' && m === 'GET') {
        const d = detail(id, version);
        const actors = (url.searchParams.get('actors') ?? '').split(',').filter(Boolean);
        const limit = Math.min(20000, Number(url.searchParams.get('limit')) || 2000);
        return send(res, 200, sample(d.spec, actors.length ? actors : consent(d.spec).slice(0, 2), limit));
      }
      if (b === 'forecasts' && m === 'POST') {
        const body = await readBody(req);
        return send(res, 200, { ...mockForecast(id, body.model), result_id: `f-${body.model}` });
      }
    }
  }
  if (a === 'jobs') {
    if (!id) {
      if (m === 'GET') return send(res, 200, [...jobs.values()].reverse().map(publicJob));
      if (m === 'POST') return send(res, 202, publicJob(startJob(await readBody(req))));
    } else {
      const job = jobs.get(id);
      if (!job) throw new HttpError(404, 'not_found', `no job ${id}`);
      if (!b && m === 'GET') return send(res, 200, publicJob(job));
      if (b === 'cancel' && m === 'POST') {
        tick(job);
        if (!['succeeded', 'failed'].includes(job.status)) job.status = 'cancelled';
        return send(res, 200, publicJob(job));
      }
      if (b === 'result' && m === 'GET') {
        tick(job);
        if (job.status !== 'succeeded') throw new HttpError(409, 'not_finished', `job ${id} is ${job.status}`);
        return send(res, 200, jobResult(job));
      }
    }
  }
  throw new HttpError(404, 'not_found', `no route ${m} ${url.pathname}`);
}

export function startMock(port = 0) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    try {
      if (url.pathname.startsWith('/api/')) await api(req, res, url);
      else serveStatic(req, res, url.pathname);
    } catch (e) {
      const status = e.status ?? 500;
      if (status >= 500) console.error(e);
      send(res, status, { error: { code: e.code ?? 'internal', message: e.message, ...(e.field ? { field: e.field } : {}), ...(e.locator ? { locator: e.locator } : {}) } });
    }
  });
  return new Promise((ok) => server.listen(port, '127.0.0.1', () => ok(server)));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--port');
  const port = i > 0 ? Number(process.argv[i + 1]) : Number(process.env.PORT ?? 8787);
  startMock(port).then((s) => console.log(`mock Detente server on http://127.0.0.1:${s.address().port} (write token: ${TOKEN})`));
}

export { analyse };
