// The dashboard in a real browser (Debian's Chromium through playwright-core).
//
//   DETENTE_URL=http://127.0.0.1:8080 DETENTE_TOKEN=... npm test   # against `detente serve`
//   npm test                                                         # against tests/mock-server.mjs
//
// It loads the seed scenario ("Riyadh talks…"), checks that the utility-space
// chart draws the sampled outcomes, the Pareto frontier and the solutions,
// shows a validation error next to the field the API names, runs a
// compromise forecast, an expected-utility forecast's cycles, an SMP forecast job, two sensitivity jobs (and cancels a third), a negotiation
// and a tournament, round-trips an edit on a copy of the seed scenario, checks
// the 401 message without a token, and saves a screenshot to docs/dashboard.png.

import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const screenshot = process.env.DETENTE_SCREENSHOT ?? resolve(here, '../../docs/dashboard.png');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const T = Number(process.env.DETENTE_TEST_TIMEOUT_MS ?? 30000);
const JOB_T = Number(process.env.DETENTE_JOB_TIMEOUT_MS ?? 120000);

let base = process.env.DETENTE_URL?.replace(/\/+$/, '');
let token = process.env.DETENTE_TOKEN ?? '';
let mock = null;
if (!base) {
  const m = await import('./mock-server.mjs');
  mock = await m.startMock(0);
  base = `http://127.0.0.1:${mock.address().port}`;
  token = m.TOKEN;
  console.log(`no DETENTE_URL: testing against the mock server at ${base}`);
} else {
  console.log(`testing against ${base}`);
  if (!token) console.log('warning: DETENTE_TOKEN is unset, so every write (forecasts, jobs, edits) will be refused; make one with `detente token create`');
}

let failures = 0;
let passed = 0;
const results = [];
function check(cond, what) {
  if (!cond) throw new Error(`check failed: ${what}`);
}
async function step(name, f) {
  const t0 = Date.now();
  try {
    const note = await f();
    passed++;
    results.push({ name, ok: true });
    console.log(`  ok   ${name} (${Date.now() - t0} ms)${note ? `: ${note}` : ''}`);
  } catch (e) {
    failures++;
    results.push({ name, ok: false, error: e.message });
    if (process.env.DETENTE_FAIL_SHOTS) await page.screenshot({ path: `${process.env.DETENTE_FAIL_SHOTS}/fail-${failures}.png`, fullPage: true }).catch(() => {});
    console.log(`  FAIL ${name} (${Date.now() - t0} ms): ${e.message.split('\n').slice(0, 6).join('\n       ')}`);
  }
}

const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 1 });
const page = await context.newPage();
page.setDefaultTimeout(T);
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(e.message));
page.on('console', (m) => {
  if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) pageErrors.push(m.text());
});

const hookValue = (f, arg) => page.evaluate(f, arg);
const go = async (hash) => {
  await page.evaluate((h) => (location.hash = h), hash);
};
const setToken = async (t) => {
  await page.fill('#api-token', t);
  await page.click('.token button');
};
/** Waits until the named chart has drawn; returns its summary from window.__detente. */
async function chartDrawn(name, timeout = T) {
  await page.waitForFunction((n) => window.__detente?.charts?.[n]?.rendered === true, name, { timeout });
  return hookValue((n) => window.__detente.charts[n], name);
}
async function waitJob(prefix, timeout = JOB_T) {
  await page.waitForFunction(
    (p) => ['succeeded', 'failed', 'cancelled'].includes(document.querySelector(`#${p}-progress`)?.closest('.job-panel')?.dataset.status ?? ''),
    prefix,
    { timeout },
  );
  return page.$eval(`#${prefix}-progress`, (el) => { const p = el.closest('.job-panel'); return { status: p.dataset.status, text: [p.querySelector('.job-status')?.textContent, p.querySelector('.status')?.textContent].filter(Boolean).join(' ') }; });
}

let scenarioId = null;
let nIssues = 0;
let nActors = 0;

console.log('Detente dashboard');

await step('the dashboard loads and reaches the API', async () => {
  const res = await page.goto(`${base}/`, { waitUntil: 'domcontentloaded' });
  check(res && res.ok(), `GET / answered ${res?.status()}`);
  await page.waitForSelector('#health.ok');
  return (await page.textContent('#health')).trim();
});

await step('the scenario list shows the seed scenario', async () => {
  const row = page.locator('#scenario-list tbody tr').filter({ has: page.locator('th a', { hasText: /^Riyadh talks/ }) }).first();
  await row.waitFor();
  scenarioId = await row.getAttribute('data-scenario-id');
  const cells = await row.locator('td').allTextContents();
  nActors = Number(cells[0]);
  nIssues = Number(cells[1]);
  check(nActors === 5 && nIssues === 9, `5 actors and 9 issues, got ${cells.slice(0, 3).join(', ')}`);
  check(cells[2].replace(/,/g, '') === '32805', `32,805 outcomes, got ${cells[2]}`);
  return `id ${scenarioId}: ${cells.slice(0, 4).join(' · ')}`;
});

await step('the API token is kept in localStorage', async () => {
  await setToken(token);
  const stored = await page.evaluate(() => localStorage.getItem('detente.token'));
  check((stored ?? '') === token, 'the token is stored');
});

await step('the scenario page shows the actors × issues table', async () => {
  await page.locator('#scenario-list tbody tr th a', { hasText: /^Riyadh talks/ }).first().click();
  await page.waitForSelector('#actors-table');
  const rows = await page.locator('#actors-table tbody tr').count();
  check(rows === nActors, `${nActors} actor rows, got ${rows}`);
  const heads = await page.locator('#actors-table th.issue-head').count();
  check(heads === nIssues, `${nIssues} issue columns, got ${heads}`);
  const cap = await page.inputValue('[data-field="actors.0.capability"]');
  check(Number(cap) > 0, 'the first actor has a capability');
  return `${rows} actors, ${heads} issues; first capability ${cap}`;
});

await step('refused edits show the API’s error next to the field it names', async () => {
  const refuse = async (field, value) => {
    await page.fill(`[data-field="${field}"]`, value);
    await page.locator(`[data-field="${field}"]`).dispatchEvent('change');
    await page.evaluate(() => document.querySelector('#save-status')?.replaceChildren());
    await page.click('#save-scenario');
    await page.waitForSelector('#save-status .msg-error');
    const beside = (await page.textContent(`[data-error-for="${field}"]`)).trim();
    const invalid = await page.getAttribute(`[data-field="${field}"]`, 'aria-invalid');
    check(beside.length > 0 && invalid === 'true', `the error is shown beside ${field} (status: ${(await page.textContent('#save-status')).trim()})`);
    return beside;
  };
  const cap = await page.inputValue('[data-field="actors.0.capability"]');
  const version = await page.inputValue('#version-select');
  const a = await refuse('actors.0.capability', '-1');
  await page.fill('[data-field="actors.0.capability"]', cap);
  await page.locator('[data-field="actors.0.capability"]').dispatchEvent('change');
  const b = await refuse('actors.1.salience.territory', '-3');
  // Nothing was saved.
  check((await page.inputValue('#version-select')) === version, 'no new version');
  return `${a} | ${b}`;
});

await step('the utility-space chart draws outcomes, the Pareto frontier and the solutions', async () => {
  await page.click('.tabs a[data-tab="space"]');
  await page.waitForSelector('#utility-space canvas');
  const chart = await chartDrawn('utility-space');
  const byName = Object.fromEntries(chart.series.map((s) => [s.name, s.points]));
  const frontier = byName['Pareto frontier'];
  const outcomes = chart.series.find((s) => s.name.startsWith('Outcomes'))?.points ?? 0;
  const attrs = await page.$eval('#utility-space', (el) => ({ ...el.dataset }));
  check(frontier > 0, `the Pareto frontier has points (series: ${JSON.stringify(chart.series)})`);
  check(outcomes > 100, `sampled outcomes are drawn, got ${outcomes}`);
  check(Number(attrs.seriesCount) === chart.series.length && Number(attrs.frontierPoints) === frontier, 'the data- attributes agree with the hook');
  check(byName['Nash bargaining solution'] === 1, 'the Nash bargaining solution is drawn');
  const canvas = await page.$eval('#utility-space canvas', (c) => ({ w: c.width, h: c.height }));
  check(canvas.w > 300 && canvas.h > 300, 'the canvas has a size');
  const solutions = await page.locator('table.solutions tbody tr').count();
  return `${chart.series.length} series, ${outcomes} outcomes, ${frontier} frontier points, ${solutions} solutions in the table`;
});

await step('a compromise forecast shows where each issue settles and the trajectories', async () => {
  await page.click('.tabs a[data-tab="forecasts"]');
  await page.selectOption('#forecast-model', 'compromise');
  await page.click('#run-forecast');
  await page.waitForSelector('#forecast-result[data-model="compromise"] #forecast-table');
  const rows = await page.locator('#forecast-table tbody tr').count();
  check(rows === nIssues, `${nIssues} issue rows, got ${rows}`);
  const f = await hookValue(() => window.__detente.forecast);
  check(f.model === 'compromise' && f.stop === 'closed-form', `a closed-form compromise forecast, got ${f.model} ${f.stop}`);
  const values = Object.values(f.outcome);
  check(values.length === nIssues && values.every((x) => Number.isFinite(x)), 'a number per issue');
  await chartDrawn('trajectory-territory');
  const charts = await page.locator('#trajectories .chart canvas').count();
  check(charts === nIssues, `a chart per issue, got ${charts}`);
  const compare = await page.locator('#compare-table thead th').count();
  check(compare >= 2, 'the comparison table lists the model');
  return `territory ${f.outcome.territory.toFixed(2)} (% left to Russia), ceasefire ${f.outcome.ceasefire.toFixed(2)} months`;
});

await step('comparing all six models fills the comparison table', async () => {
  await page.click('#compare-models');
  await page.waitForFunction(() => window.__detente.compare && Object.keys(window.__detente.compare).length === 6, null, { timeout: JOB_T });
  const compare = await hookValue(() => window.__detente.compare);
  const failed = Object.entries(compare).filter(([, v]) => 'error' in v);
  check(failed.length === 0, `every model ran: ${JSON.stringify(failed)}`);
  const cols = await page.locator('#compare-table thead th').count();
  check(cols === 7, `an issue column and six model columns, got ${cols}`);
  return Object.entries(compare).map(([m, v]) => `${m} ${Number(v.territory).toFixed(1)}`).join(', ') + ' (territory)';
});

await step('an expected-utility forecast that ends in cycles says where each cycling issue settles in turn', async () => {
  await page.selectOption('#forecast-model', 'eu');
  await page.click('#run-forecast');
  await page.waitForSelector('#forecast-result[data-model="eu"] #forecast-table');
  const cycling = await page.$$eval('#forecast-cycles li', (els) => els.map((e) => e.dataset.issue));
  check(JSON.stringify(cycling) === '["ceasefire","alliance"]', `cycles on ceasefire and alliance, got ${JSON.stringify(cycling)}`);
  const text = await page.textContent('#forecast-cycles li[data-issue="alliance"]');
  check(/every 2 rounds/.test(text) && /NATO membership/.test(text) && /permanent neutrality/.test(text), `the alliance cycle names both options, got “${text}”`);
  return text.trim();
});

await step('an SMP forecast run as a job shows its progress, then the request’s result, and is listed among earlier jobs', async () => {
  await page.click('.tabs a[data-tab="forecasts"]');
  const byDefault = await page.isChecked('#forecast-as-job');
  check(!byDefault, 'a five-actor scenario runs forecasts in the request by default');
  // The request's SMP forecast, from the comparison of all models above.
  const requested = await hookValue(() => window.__detente.compare.smp);
  await page.check('#forecast-as-job');
  await page.selectOption('#forecast-model', 'smp');
  await page.click('#run-forecast');
  const end = await waitJob('forecast-job');
  check(end.status === 'succeeded', `the job succeeded, got ${end.status}: ${end.text}`);
  await page.waitForSelector('#forecast-result[data-model="smp"] #forecast-table', { timeout: T });
  const f = await hookValue(() => window.__detente.forecast);
  check(f.model === 'smp' && f.rounds >= 1, `an SMP forecast with rounds, got ${f.model} after ${f.rounds}`);
  const same = Object.keys(requested).every((k) => Math.abs(requested[k] - f.outcome[k]) < 1e-9);
  check(same, `the job’s SMP forecast is the request’s: ${JSON.stringify(f.outcome)} vs ${JSON.stringify(requested)}`);
  const status = (await page.textContent('#forecast-job-status')).trim();
  // Coming back to the tab lists the job among the earlier ones.
  await go('#/jobs');
  await page.waitForSelector('#job-list table', { timeout: T });
  await go(`#/scenarios/${encodeURIComponent(scenarioId)}/forecasts`);
  await page.waitForSelector('details.past-jobs li', { state: 'attached', timeout: T });
  const listed = await page.locator('details.past-jobs li').allTextContents();
  check(listed.some((t) => /succeeded/.test(t)), `the job is listed as succeeded: ${JSON.stringify(listed)}`);
  return `${status}; territory ${f.outcome.territory.toFixed(2)}`;
});

await step('a sensitivity job runs with progress and shows the tornado and the histograms', async () => {
  await page.click('.tabs a[data-tab="sensitivity"]');
  await page.selectOption('#sens-model', 'compromise');
  await page.fill('#sens-runs', '300');
  await page.fill('#sens-seed', '7');
  await page.click('#start-sensitivity');
  const end = await waitJob('sens');
  check(end.status === 'succeeded', `the job succeeded, got ${end.status}: ${end.text}`);
  await page.waitForFunction(() => window.__detente.sensitivity !== null, null, { timeout: T });
  await chartDrawn('tornado-territory');
  await chartDrawn('histogram-territory');
  const tornados = await page.locator('#sensitivity-result .issue-pair').count();
  check(tornados === nIssues, `a tornado and a histogram per issue, got ${tornados}`);
  return (await page.textContent('#sens-status')).trim();
});

await step('an expected-utility sensitivity job counts the runs that cycle, issue by issue', async () => {
  await page.selectOption('#sens-model', 'eu');
  await page.fill('#sens-runs', '200');
  await page.fill('#sens-seed', '7');
  await page.click('#start-sensitivity');
  const end = await waitJob('sens');
  check(end.status === 'succeeded', `the job succeeded, got ${end.status}: ${end.text}`);
  await page.waitForSelector('#sensitivity-table td.cycling', { timeout: T });
  const cells = await page.locator('#sensitivity-table td.cycling').allTextContents();
  check(cells.length === nIssues, `a count per issue, got ${cells.length}`);
  const counts = cells.map((t) => Number(t.split(' ')[0].replace(/,/g, '')));
  check(counts.every((n) => n >= 0 && n <= 200) && counts.some((n) => n > 0), `counts of the 200 runs, got ${cells.join(' | ')}`);
  return cells.join(' | ');
});

await step('a running sensitivity job can be cancelled', async () => {
  await page.selectOption('#sens-model', 'smp');
  await page.fill('#sens-runs', '100000');
  await page.click('#start-sensitivity');
  await page.waitForFunction(() => !document.querySelector('#sens-cancel')?.disabled, null, { timeout: T }).catch(() => {});
  if (await page.isEnabled('#sens-cancel')) await page.click('#sens-cancel');
  const end = await waitJob('sens');
  check(end.status === 'cancelled', `the job was cancelled, got ${end.status}: ${end.text}`);
  return end.text.trim();
});

let negotiationJob = null;
await step('a negotiation job draws its offers over the frontier and the utilities over time', async () => {
  await page.click('.tabs a[data-tab="negotiation"]');
  await page.selectOption('#neg-protocol', 'multilateral');
  for (let k = 0; k < 4; k++) if (await page.$(`#neg-agent-${k}`)) await page.fill(`#neg-agent-${k}`, 'conceder');
  await page.fill('#neg-rounds', '60');
  await page.click('#start-negotiation');
  const end = await waitJob('neg');
  check(end.status === 'succeeded', `the job succeeded, got ${end.status}: ${end.text}`);
  await page.waitForSelector('#negotiation-ending');
  const time = await chartDrawn('negotiation-time');
  const space = await chartDrawn('negotiation-space');
  const offers = space.series.filter((s) => s.name.startsWith('Offers by'));
  check(offers.length >= 2 && offers.every((s) => s.points > 0), `offer paths of the first two parties, got ${JSON.stringify(space.series)}`);
  check(time.series.length >= 2, 'a utility line per party');
  negotiationJob = (await hookValue(() => window.__detente.negotiation)).jobId;
  return (await page.textContent('#negotiation-ending')).trim();
});

await step('the utility space shows the negotiation’s offer paths (screenshot)', async () => {
  await page.click('#negotiation-result a[href*="/space"]');
  await page.waitForFunction(() => Number(document.querySelector('#utility-space')?.dataset.offerPaths ?? 0) > 0, null, { timeout: T });
  const chart = await chartDrawn('utility-space');
  await page.evaluate(() => window.scrollTo(0, 0));
  mkdirSync(dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot, fullPage: false });
  return `${chart.series.length} series; screenshot ${screenshot}`;
});

await step('a tournament job shows the leaderboard', async () => {
  await go('#/tournaments');
  await page.waitForSelector('#start-tournament');
  await page.$$eval('fieldset input[type=checkbox]', (els, id) => els.forEach((e) => (e.checked = e.value === id)), scenarioId);
  await page.fill('#tour-agents', 'boulware,conceder,linear,aspiration');
  await page.fill('#tour-reps', '1');
  await page.fill('#tour-rounds', '50');
  await page.selectOption('#tour-protocol', 'multilateral');
  await page.click('#start-tournament');
  const end = await waitJob('tour');
  check(end.status === 'succeeded', `the job succeeded, got ${end.status}: ${end.text}`);
  await page.waitForSelector('#leaderboard tbody tr');
  const rows = await page.locator('#leaderboard tbody tr').count();
  check(rows === 4, `a row per agent, got ${rows}`);
  return `${rows} agents; first ${(await page.textContent('#leaderboard tbody tr th')).trim()}`;
});

await step('the jobs page lists the jobs', async () => {
  await go('#/jobs');
  await page.waitForSelector('#job-list tbody tr');
  const n = await page.locator('#job-list tbody tr').count();
  check(n >= 4, `at least the four jobs started here, got ${n}`);
  if (negotiationJob) check((await page.locator(`#job-list tr[data-job="${negotiationJob}"]`).count()) === 1, 'the negotiation job is listed');
  return `${n} jobs`;
});

await step('a copy of the seed scenario is created, edited into version 2, and deleted', async () => {
  const spec = await page.evaluate(async (id) => (await (await fetch(`/api/scenarios/${encodeURIComponent(id)}`)).json()).spec, scenarioId);
  const name = `Riyadh copy (dashboard test ${Date.now()})`;
  await go('#/');
  await page.waitForSelector('#upload-text');
  await page.fill('#upload-text', JSON.stringify({ ...spec, name }));
  await page.selectOption('#upload-format', 'json');
  await page.click('#upload-text-button');
  const link = page.locator('.msg-ok a', { hasText: name });
  await link.waitFor();
  await link.click();
  await page.waitForSelector('#actors-table');
  await page.fill('[data-field="actors.0.capability"]', '90');
  await page.locator('[data-field="actors.0.capability"]').dispatchEvent('change');
  await page.click('#save-scenario');
  await page.waitForSelector('#save-status .msg-ok');
  const saved = (await page.textContent('#save-status')).trim();
  check(/version 2/.test(saved), `saved as version 2, got “${saved}”`);
  check((await page.inputValue('[data-field="actors.0.capability"]')) === '90', 'the new version has the edit');
  check((await page.inputValue('#version-select')) === '2', 'the page shows version 2');
  await go('#/');
  const row = page.locator('#scenario-list tbody tr').filter({ has: page.locator('th a', { hasText: name }) });
  await row.waitFor();
  page.once('dialog', (d) => d.accept());
  await row.locator('button.danger').click();
  await page.waitForSelector('.status .msg-ok');
  await row.waitFor({ state: 'detached' });
  return saved;
});

await step('a GENIUS folder’s files upload as a scenario whose utility space draws; then it is deleted', async () => {
  const dir = resolve(here, '../../testdata/genius/Laptop');
  const files = ['laptop_domain.xml', 'laptop_buyer_utility.xml', 'laptop_seller_utility.xml'].map((f) => join(dir, f));
  await go('#/');
  await page.waitForSelector('#upload-file');
  await page.setInputFiles('#upload-file', files);
  await page.click('#upload-file-button');
  const link = page.locator('.msg-ok a', { hasText: /^laptop$/ });
  await link.waitFor();
  const href = await link.getAttribute('href');
  await go(`${href}/space`);
  await page.waitForFunction(() => Number(document.querySelector('#utility-space')?.dataset.frontierPoints ?? 0) > 0, null, { timeout: T });
  const chart = await chartDrawn('utility-space');
  const outcomes = chart.series.find((s) => s.name.startsWith('Outcomes'))?.points ?? 0;
  check(outcomes === 27, `Laptop's 27 outcomes, got ${outcomes}`);
  const frontier = await page.$eval('#utility-space', (el) => el.dataset.frontierPoints);
  await go('#/');
  const id = decodeURIComponent(href.split('/')[2]);
  const row = page.locator(`#scenario-list tbody tr[data-scenario-id="${id}"]`);
  await row.waitFor();
  page.once('dialog', (d) => d.accept());
  await row.locator('button.danger').click();
  await row.waitFor({ state: 'detached' });
  return `${outcomes} outcomes, ${frontier} on the Pareto frontier`;
});

await step('without a token a write says it needs one (401); with a wrong one, that it was refused (403)', async () => {
  await go(`#/scenarios/${encodeURIComponent(scenarioId)}/forecasts`);
  await page.waitForSelector('#run-forecast');
  const attempt = async () => {
    await page.evaluate(() => document.querySelector('#forecast-status')?.replaceChildren());
    await page.click('#run-forecast');
    await page.waitForSelector('#forecast-status .msg-error');
    return (await page.textContent('#forecast-status')).trim();
  };
  await setToken('');
  const none = await attempt();
  check(/401/.test(none) && /API token/.test(none), `a 401 message about the token, got “${none}”`);
  await setToken('not-a-valid-token');
  const wrong = await attempt();
  check(/403/.test(wrong) && /token/.test(wrong), `a 403 message about the token, got “${wrong}”`);
  await setToken(token);
  return `${none} | ${wrong}`;
});

await step('no uncaught errors in the page', async () => {
  check(pageErrors.length === 0, pageErrors.join('\n'));
});

await browser.close();
if (mock) mock.close();
console.log(`\n${passed} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
