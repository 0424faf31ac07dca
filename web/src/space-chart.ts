// The utility-space chart: sampled outcomes, the Pareto frontier, the
// bargaining solutions, the reservation lines and offer paths, in two actors'
// utilities.

import { GREY, PALETTE, type ChartOption } from './charts';
import { fmt } from './dom';
import type { Analysis, Negotiation, TraceEntry } from './types';

export const SOLUTIONS: { key: keyof Analysis; label: string; symbol: string }[] = [
  { key: 'nash', label: 'Nash bargaining solution', symbol: 'diamond' },
  { key: 'weighted_nash', label: 'Capability-weighted Nash', symbol: 'triangle' },
  { key: 'kalai_smorodinsky', label: 'Kalai–Smorodinsky', symbol: 'rect' },
  { key: 'egalitarian', label: 'Egalitarian', symbol: 'roundRect' },
  { key: 'utilitarian', label: 'Utilitarian', symbol: 'pin' },
];

export interface Axis {
  id: string;
  name: string;
  reservation: number;
}

export interface OfferPath {
  name: string;
  points: [number, number][];
}

export interface SpaceInput {
  x: Axis;
  y: Axis;
  points: [number, number][];
  frontier: [number, number][];
  solutions: { label: string; symbol: string; point: [number, number] }[];
  offers: OfferPath[];
  agreement: [number, number] | null;
  nashPoint?: [number, number] | null;
  title?: string;
}

/** The frontier's points in the two actors' utilities, from an analysis over any set of actors that includes both. */
export function frontierIn(a: Analysis, x: string, y: string): [number, number][] | null {
  const ix = a.actor_ids.indexOf(x);
  const iy = a.actor_ids.indexOf(y);
  if (ix < 0 || iy < 0) return null;
  const pts = a.pareto.map((p) => [p.utilities[ix], p.utilities[iy]] as [number, number]);
  return pts.sort((p, q) => p[0] - q[0] || q[1] - p[1]);
}

/** Keeps the points no other point dominates (for a frontier projected from more actors). */
export function nondominated(pts: [number, number][]): [number, number][] {
  const s = pts.slice().sort((p, q) => q[0] - p[0] || q[1] - p[1]);
  const out: [number, number][] = [];
  let best = -Infinity;
  for (const p of s) {
    if (p[1] > best) {
      out.push(p);
      best = p[1];
    }
  }
  return out.sort((p, q) => p[0] - q[0]);
}

export function solutionsIn(a: Analysis, x: string, y: string): SpaceInput['solutions'] {
  const ix = a.actor_ids.indexOf(x);
  const iy = a.actor_ids.indexOf(y);
  if (ix < 0 || iy < 0) return [];
  const out: SpaceInput['solutions'] = [];
  for (const s of SOLUTIONS) {
    const sol = a[s.key] as Analysis['nash'];
    if (sol) out.push({ label: s.label, symbol: s.symbol, point: [sol.utilities[ix], sol.utilities[iy]] });
  }
  return out;
}

/** The trace's entries, whichever way the server nests them. */
export function traceEntries(n: Negotiation): TraceEntry[] {
  if (Array.isArray(n.trace)) return n.trace;
  if (n.trace && Array.isArray(n.trace.entries)) return n.trace.entries;
  if (Array.isArray(n.entries)) return n.entries;
  return [];
}

/** Each party's offers as a path in (x, y) utilities; null when the trace has no utilities for x or y. */
export function offerPaths(n: Negotiation, x: string, y: string, names: Record<string, string>): OfferPath[] | null {
  const entries = traceEntries(n).filter((e) => e.action === 'offer' && e.utilities);
  if (entries.length === 0) return [];
  const first = entries[0].utilities!;
  if (!(x in first) || !(y in first)) return null;
  const by = new Map<string, [number, number][]>();
  for (const e of entries) {
    const p = e.party ?? 'mediator';
    if (!by.has(p)) by.set(p, []);
    by.get(p)!.push([e.utilities![x], e.utilities![y]]);
  }
  return [...by].map(([p, pts]) => ({ name: `Offers by ${names[p] ?? p}`, points: pts }));
}

/** The agreement's utilities to x and y: the last accepted offer in the trace. */
export function agreementPoint(n: Negotiation, x: string, y: string): [number, number] | null {
  if (!n.agreement) return null;
  const es = traceEntries(n).filter((e) => e.utilities && x in e.utilities && y in e.utilities);
  const acc = [...es].reverse().find((e) => e.action === 'accept' || e.action === 'agreement');
  const last = acc ?? [...es].reverse().find((e) => e.action === 'offer');
  return last ? [last.utilities![x], last.utilities![y]] : null;
}

export function spaceOption(s: SpaceInput): ChartOption {
  const series: Record<string, unknown>[] = [];
  const all = [...s.points, ...s.frontier, ...s.offers.flatMap((o) => o.points)];
  const top = (k: 0 | 1): number => Math.max(1, Math.ceil(Math.max(...all.map((p) => p[k]), 0) * 10) / 10);
  if (s.points.length) series.push({
    name: `Outcomes (sample of ${s.points.length.toLocaleString('en-GB')})`,
    type: 'scatter',
    data: s.points,
    symbolSize: 4,
    itemStyle: { color: GREY, opacity: 0.45 },
    large: s.points.length > 3000,
    emphasis: { disabled: true },
    z: 1,
  });
  series.push({
    name: 'Pareto frontier',
    type: 'line',
    data: s.frontier,
    symbol: 'circle',
    symbolSize: 6,
    lineStyle: { width: 2, color: '#000' },
    itemStyle: { color: '#000' },
    z: 3,
  });
  series.push({
    name: 'Reservation values and ZOPA',
    type: 'line',
    data: [],
    itemStyle: { color: PALETTE[2] },
    markLine: {
      silent: true,
      symbol: 'none',
      lineStyle: { type: 'dashed', color: PALETTE[2], width: 1.5 },
      label: { formatter: '{b}', position: 'insideEndTop', color: '#1b5e20' },
      data: [
        { name: `reservation value of ${s.x.name}: ${fmt(s.x.reservation)}`, xAxis: s.x.reservation },
        { name: `reservation value of ${s.y.name}: ${fmt(s.y.reservation)}`, yAxis: s.y.reservation },
      ],
    },
    markArea: {
      silent: true,
      itemStyle: { color: 'rgba(0, 158, 115, 0.08)' },
      label: { show: true, position: 'insideTopRight', color: '#1b5e20', formatter: 'ZOPA: both above their reservation values' },
      data: [[{ xAxis: s.x.reservation, yAxis: s.y.reservation }, { xAxis: top(0), yAxis: top(1) }]],
    },
  });
  s.offers.forEach((o, k) => {
    series.push({
      name: o.name,
      type: 'line',
      data: o.points,
      symbol: k === 0 ? 'circle' : 'triangle',
      symbolSize: 5,
      lineStyle: { width: 1, opacity: 0.8, type: k === 0 ? 'solid' : 'dotted' },
      itemStyle: { color: PALETTE[[0, 1, 3, 4, 5][k % 5]] },
      z: 4,
    });
  });
  if (s.agreement) {
    series.push({
      name: 'Agreement',
      type: 'scatter',
      data: [s.agreement],
      symbol: 'circle',
      symbolSize: 16,
      itemStyle: { color: 'rgba(0,0,0,0)', borderColor: '#000', borderWidth: 3 },
      z: 6,
    });
  }
  if (s.nashPoint) {
    series.push({
      name: 'Nash point',
      type: 'scatter',
      data: [s.nashPoint],
      symbol: 'diamond',
      symbolSize: 14,
      itemStyle: { color: PALETTE[4], borderColor: '#000', borderWidth: 1 },
      z: 5,
    });
  }
  const solColours = [PALETTE[4], PALETTE[3], PALETTE[5], PALETTE[0], PALETTE[1]];
  s.solutions.forEach((sol, k) => {
    series.push({
      name: sol.label,
      type: 'scatter',
      data: [sol.point],
      symbol: sol.symbol,
      symbolSize: 14 - k,
      itemStyle: { color: solColours[k % solColours.length], borderColor: '#000', borderWidth: 1 },
      z: 5 + k,
    });
  });
  return {
    title: s.title ? { text: s.title, left: 'center', textStyle: { fontSize: 14, fontWeight: 'normal' } } : undefined,
    grid: { left: 70, right: 30, top: s.title ? 40 : 20, bottom: 110 },
    tooltip: {
      trigger: 'item',
      formatter: (p: { seriesName: string; value: number[] }) =>
        `${p.seriesName}<br>${s.x.name}: ${fmt(p.value[0], 4)}<br>${s.y.name}: ${fmt(p.value[1], 4)}`,
    },
    legend: { bottom: 0, left: 'center', width: '92%' },
    xAxis: {
      type: 'value',
      name: `Utility of ${s.x.name} (0–1)`,
      nameLocation: 'middle',
      nameGap: 28,
      min: (v: { min: number }) => Math.min(0, Math.floor(v.min * 10) / 10),
      max: (v: { max: number }) => Math.max(1, Math.ceil(v.max * 10) / 10),
    },
    yAxis: {
      type: 'value',
      name: `Utility of ${s.y.name} (0–1)`,
      nameLocation: 'middle',
      nameGap: 45,
      min: (v: { min: number }) => Math.min(0, Math.floor(v.min * 10) / 10),
      max: (v: { max: number }) => Math.max(1, Math.ceil(v.max * 10) / 10),
    },
    series,
  };
}
