import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { stackValues, type ChartData } from '../insights';

const AXIS_COLOR = '#5f6b7a';
const GRID_COLOR = '#e6e9ed';
const FONT = '12px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif';
/** Rough width of one axis label character in CSS pixels (12px system font). */
const CHAR_PX = 6.5;
const MAX_LABEL = 16;

/** Whole-number tick steps for counts. */
const INT_INCRS = [1, 2, 5].flatMap((m) => [1, 10, 100, 1e3, 1e4, 1e5, 1e6].map((p) => m * p)).sort((a, b) => a - b);

function clip(s: string): string {
  return s.length > MAX_LABEL ? `${s.slice(0, MAX_LABEL - 1)}…` : s;
}

function formatter(c: ChartData, locale: string): (v: number | null | undefined) => string {
  const nf = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  return (v) => (v === null || v === undefined ? '—' : `${nf.format(v)}${c.unit ? ` ${c.unit}` : ''}`);
}

/** uPlot's options for a chart: x is the index of each key, labelled with `labels`. */
function plotOptions(c: ChartData, width: number, height: number, locale: string): uPlot.Options {
  const n = c.keys.length;
  const fmt = formatter(c, locale);
  const nfTick = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  const longest = Math.min(MAX_LABEL, c.labels.reduce((m, l) => Math.max(m, l.length), 1));
  const plotWidth = (u: uPlot) => Math.max(1, u.width - 60);
  // Day labels are thinned out; category labels turn when they do not fit side by side.
  const byDay = c.xKey === 'day';
  const rotated = (u: uPlot) => !byDay && n * (longest * CHAR_PX + 8) > plotWidth(u);
  const step = (u: uPlot) => (byDay ? Math.max(1, Math.ceil((n * (longest * CHAR_PX + 12)) / plotWidth(u))) : 1);
  const bars = uPlot.paths.bars;
  const grouped = c.kind === 'grouped' && c.series.length === 2;

  const series: uPlot.Series[] = [{ label: c.xLabel, value: (_u, v) => (v === null || v === undefined ? '—' : (c.labels[v] ?? '')) }];
  c.series.forEach((s, i) => {
    const line = c.kind === 'line';
    series.push({
      label: s.label,
      stroke: s.color,
      fill: line ? `${s.color}22` : s.color,
      width: line ? 2 : 0,
      points: { show: line && n <= 45, size: 5 },
      paths: line
        ? undefined
        : bars?.({
            size: grouped ? [0.42, 40] : [0.7, 56],
            align: grouped ? (i === 0 ? -1 : 1) : 0,
            gap: 1,
            // Per-bar colours (service-level zones); indexed like the data.
            disp: s.pointColors ? { fill: { unit: 3, values: () => s.pointColors ?? [] } } : undefined,
          }),
      // The legend shows the series' own number (stacked bars are drawn at running totals).
      value: (_u, _v, si, idx) => (idx === null ? '—' : fmt(c.series[si - 1]?.values[idx])),
    });
  });

  return {
    width,
    height,
    series,
    // Stacked: each outcome's bar starts where the one below it ends.
    bands: c.kind === 'stacked' ? c.series.slice(1).map((_, i) => ({ series: [i + 2, i + 1] as [number, number] })) : [],
    // A turned label hangs left of its bar: room for the first one.
    padding: [
      null,
      null,
      null,
      // (wide letters, e.g. Cyrillic: ~8 px; cos 40° ≈ 0.77; minus the y axis and half a column)
      (u) => (rotated(u) ? Math.max(0, Math.ceil(longest * 8 * 0.77 + 6 - 28 - plotWidth(u) / (2 * Math.max(1, n)))) : 0),
    ],
    legend: { live: true },
    cursor: { drag: { x: false, y: false }, points: { show: c.kind === 'line' } },
    scales: {
      x: { time: false, range: () => [-0.5, Math.max(0.5, n - 0.5)] },
      y: {
        range: (_u, _min, max) =>
          c.yMax !== undefined ? [0, c.yMax] : (uPlot.rangeNum(0, max > 0 ? max : 1, 0.1, true) as [number, number]),
      },
    },
    axes: [
      {
        stroke: AXIS_COLOR,
        font: FONT,
        grid: { show: false },
        ticks: { show: true, size: 4, stroke: GRID_COLOR },
        splits: () => c.keys.map((_, i) => i),
        values: (u, splits) => {
          const k = step(u);
          return splits.map((x, i) => (i % k === 0 ? clip(c.labels[x] ?? '') : null));
        },
        rotate: (u) => (rotated(u) ? 40 : 0),
        size: (u) => (rotated(u) ? Math.ceil(14 + longest * CHAR_PX * 0.66) : 30),
        gap: 4,
      },
      {
        stroke: AXIS_COLOR,
        font: FONT,
        grid: { stroke: GRID_COLOR, width: 1 },
        ticks: { show: false },
        incrs: c.integer ? INT_INCRS : undefined,
        values: (_u, splits) => splits.map((v) => `${nfTick.format(v)}${c.unit ?? ''}`),
        size: (_u, values) => 14 + Math.max(2, ...(values ?? []).map((v) => String(v ?? '').length)) * CHAR_PX,
      },
    ],
  };
}

function plotData(c: ChartData): uPlot.AlignedData {
  const values = c.series.map((s) => s.values);
  const ys = c.kind === 'stacked' ? stackValues(values) : values;
  return [c.keys.map((_, i) => i), ...ys] as uPlot.AlignedData;
}

interface Props {
  data: ChartData;
  locale: string;
  /** Plot height in CSS pixels (the legend adds to it). */
  height?: number;
  label: string;
}

/**
 * One uPlot canvas chart. The plot is made in an effect (again when the data changes), follows
 * its box's width through a ResizeObserver, and is destroyed on unmount.
 */
export function Chart({ data, locale, height = 220, label }: Props) {
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const widthOf = () => Math.floor(el.clientWidth) || 300;
    const plot = new uPlot(plotOptions(data, widthOf(), height, locale), plotData(data), el);
    el.dataset.ready = 'true';
    const ro = new ResizeObserver(() => {
      const w = widthOf();
      if (w !== plot.width) plot.setSize({ width: w, height });
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      plot.destroy();
      delete el.dataset.ready;
    };
  }, [data, locale, height]);

  return <div ref={box} className="chart-plot" data-testid="chart-plot" role="img" aria-label={label} />;
}
