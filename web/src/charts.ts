// ECharts, with only the parts the dashboard uses, and a registry of the
// charts on the page that the browser test reads (window.__detente.charts and
// data- attributes on each chart's container).

import * as echarts from 'echarts/core';
import { BarChart, CustomChart, LineChart, ScatterChart } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { EChartsCoreOption } from 'echarts/core';
import { hook } from './hook';

echarts.use([
  BarChart,
  CustomChart,
  LineChart,
  ScatterChart,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
  CanvasRenderer,
]);

export { echarts };
export type ChartOption = EChartsCoreOption;

/** Okabe & Ito's colour-blind-safe palette (black last, grey for context). */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442', '#000000'];
export const GREY = '#9a9a9a';

const live = new Map<string, { chart: echarts.ECharts; el: HTMLElement }>();

let resizeBound = false;

/**
 * Draws `option` into `el` (replacing a chart of the same name) and records a
 * summary of its series for the test hook.
 */
export function mountChart(name: string, el: HTMLElement, option: ChartOption): echarts.ECharts {
  const old = live.get(name);
  if (old) old.chart.dispose();
  const chart = echarts.init(el, undefined, { renderer: 'canvas' });
  const series = (Array.isArray(option.series) ? option.series : option.series ? [option.series] : []) as {
    name?: string;
    type?: string;
    data?: unknown[];
  }[];
  const summary = series.map((s) => ({ name: s.name ?? '', type: s.type ?? '', points: Array.isArray(s.data) ? s.data.length : 0 }));
  el.dataset.chart = name;
  el.dataset.seriesCount = String(summary.length);
  el.dataset.points = String(summary.reduce((n, s) => n + s.points, 0));
  delete el.dataset.rendered;
  el.setAttribute('role', 'img');
  const record = { series: summary, rendered: false };
  hook().charts[name] = record;
  const done = (): void => {
    if (live.get(name)?.chart !== chart) return;
    record.rendered = true;
    el.dataset.rendered = 'true';
  };
  chart.on('finished', done);
  live.set(name, { chart, el });
  chart.setOption({ color: PALETTE, animation: false, textStyle: { fontFamily: 'inherit' }, ...option });
  // 'finished' can come before the listener in some ECharts versions: also
  // mark the chart drawn two frames after the option was set.
  requestAnimationFrame(() => requestAnimationFrame(done));
  if (!resizeBound) {
    resizeBound = true;
    window.addEventListener('resize', () => live.forEach(({ chart: c }) => c.resize()));
  }
  return chart;
}

/** Disposes every chart whose container has left the page. */
export function disposeDetached(): void {
  for (const [name, { chart, el }] of live) {
    if (!el.isConnected) {
      chart.dispose();
      live.delete(name);
      delete hook().charts[name];
    }
  }
}

export function disposeAll(): void {
  for (const [name, { chart }] of live) {
    chart.dispose();
    delete hook().charts[name];
  }
  live.clear();
}

/** Wraps a long unit so that it fits under an axis. */
export function axisName(name: string, unit?: string | null, max = 70): string {
  if (!unit) return name;
  const u = unit.length > max ? `${unit.slice(0, max - 1)}…` : unit;
  return `${name} (${u})`;
}
