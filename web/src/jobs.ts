// Starting a job, following its progress, cancelling it.

import { api, errorText, FINISHED } from './api';
import { clear, h, setMessage, shortId, when } from './dom';
import type { Route } from './main';
import type { Job } from './types';

export interface JobPanel {
  el: HTMLElement;
  /** Starts a job and follows it. */
  start(body: Record<string, unknown>): Promise<void>;
  /** Follows an existing job. */
  watch(id: string): Promise<void>;
}

const POLL_MS = 400;

/**
 * A progress bar, a status line and a cancel button for one job at a time;
 * `onDone` gets the job once it has succeeded (or failed, or been cancelled).
 */
export function jobPanel(r: Route, prefix: string, onDone: (job: Job) => void | Promise<void>): JobPanel {
  const bar = h('progress', { id: `${prefix}-progress`, max: 1, value: 0, 'aria-label': 'Progress' });
  const text = h('span', { id: `${prefix}-status`, class: 'job-status', 'aria-live': 'polite' }, '');
  const msg = h('div', { class: 'status' });
  let current: string | null = null;
  let timer: number | undefined;
  const cancel = h(
    'button',
    {
      type: 'button',
      id: `${prefix}-cancel`,
      class: 'danger',
      disabled: true,
      onclick: async () => {
        if (!current) return;
        try {
          const job = await api.cancelJob(current);
          show(job);
        } catch (e) {
          setMessage(msg, 'error', errorText(e));
        }
      },
    },
    'Cancel',
  );
  const el = h('div', { class: 'job-panel', hidden: true }, h('div', { class: 'row' }, bar, text, cancel), msg);
  r.onLeave(() => {
    if (timer !== undefined) clearTimeout(timer);
    current = null;
  });

  const show = (job: Job): void => {
    const { done, total } = job.progress ?? { done: 0, total: 0 };
    bar.max = Math.max(total, 1);
    bar.value = job.status === 'succeeded' ? bar.max : Math.min(done, bar.max);
    const share = total > 0 ? ` (${Math.round((100 * done) / total)}%)` : '';
    text.textContent = `Job ${shortId(job.id)}: ${job.status}, ${done.toLocaleString('en-GB')} of ${total.toLocaleString('en-GB')}${share}`;
    el.dataset.status = job.status;
    cancel.disabled = FINISHED.has(job.status);
    if (job.status === 'failed') setMessage(msg, 'error', `The job failed: ${job.error ?? 'no reason given'}`);
    else if (job.status === 'cancelled') setMessage(msg, 'info', 'The job was cancelled.');
    else clear(msg);
  };

  const poll = async (id: string): Promise<void> => {
    timer = undefined;
    if (!r.alive() || current !== id) return;
    let job: Job;
    try {
      job = await api.getJob(id);
    } catch (e) {
      setMessage(msg, 'error', errorText(e));
      timer = window.setTimeout(() => void poll(id), POLL_MS * 5);
      return;
    }
    if (!r.alive() || current !== id) return;
    show(job);
    if (FINISHED.has(job.status)) {
      current = null;
      await onDone(job);
    } else {
      timer = window.setTimeout(() => void poll(id), POLL_MS);
    }
  };

  const watch = async (id: string): Promise<void> => {
    if (timer !== undefined) clearTimeout(timer);
    el.hidden = false;
    current = id;
    await poll(id);
  };

  const start = async (body: Record<string, unknown>): Promise<void> => {
    el.hidden = false;
    setMessage(msg, 'info', 'Starting…');
    bar.value = 0;
    text.textContent = '';
    // The last job's status no longer describes what the panel shows.
    delete el.dataset.status;
    try {
      const job = await api.startJob(body);
      show(job);
      await watch(job.id);
    } catch (e) {
      // No job to follow: the panel ends here, as a failed job's would.
      el.dataset.status = 'failed';
      setMessage(msg, 'error', errorText(e));
    }
  };

  return { el, start, watch };
}

/**
 * A job panel that loads each succeeded job's result and hands it to `show`;
 * "Loading the result…" and any error go to `status`.
 */
export function resultPanel<T>(
  r: Route,
  prefix: string,
  status: HTMLElement,
  show: (result: T, job: Job) => void | Promise<void>,
): JobPanel {
  return jobPanel(r, prefix, async (job) => {
    if (job.status !== 'succeeded') return;
    setMessage(status, 'info', 'Loading the result…');
    try {
      const result = await api.jobResult<T>(job.id);
      if (!r.alive()) return;
      clear(status);
      await show(result, job);
    } catch (e) {
      if (r.alive()) setMessage(status, 'error', errorText(e));
    }
  });
}

/** Earlier jobs of one kind (and scenario), newest first, each a button that opens it. */
export async function pastJobs(
  kind: Job['kind'],
  scenarioId: string | null,
  open: (job: Job) => void,
): Promise<HTMLElement> {
  const box = h('details', { class: 'past-jobs' }, h('summary', {}, `Earlier ${kind} jobs`));
  try {
    const jobs = (await api.listJobs()).filter((j) => j.kind === kind && (scenarioId === null || String(j.scenario_id) === scenarioId));
    if (jobs.length === 0) box.append(h('p', {}, 'None yet.'));
    else
      box.append(
        h(
          'ul',
          {},
          jobs.slice(0, 30).map((j) =>
            h(
              'li',
              {},
              h('button', { type: 'button', class: 'link', title: j.id, onclick: () => open(j) }, `Job ${shortId(j.id)}`),
              ` ${j.status}, ${when(j.created_at)}${j.error ? `: ${j.error}` : ''}`,
            ),
          ),
        ),
      );
  } catch (e) {
    box.append(h('p', { class: 'msg msg-error' }, errorText(e)));
  }
  return box;
}
