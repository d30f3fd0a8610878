import { formatInt, formatLatency, formatNumber } from './format';
import type { ChartSpec } from './render-chart';
import { DIRECTIONS, type Direction, type ImportResult, type SteadyResult } from './results';
import { perSecond, type TimeBucket } from './stats';

/** Most sample points one latency chart draws; more are thinned by `downsample`. */
export const MAX_POINTS = 4000;

export { DIRECTIONS };
export const DIRECTION_NAMES: Record<Direction, string> = {
  'salesforce→salesconnect': 'Salesforce → Sales Connect',
  'salesconnect→salesforce': 'Sales Connect → Salesforce',
};
const DIRECTION_COLOURS: Record<Direction, string> = {
  'salesforce→salesconnect': '#1f77b4',
  'salesconnect→salesforce': '#d62728',
};
const RUN_COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b', '#e377c2'];
const TOTAL_COLOUR = '#444444';
const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const PLOT_WIDTH = 860;
const PLOT_HEIGHT = 360;
/** Above this ratio of the highest reference line to the data's peak, a linear axis would flatten the data. */
const LOG_SCALE_RATIO = 10;
/** Pixels between two reference-line labels. */
const LABEL_GAP = 14;
const DASHES: Record<string, number[]> = { p50: [8, 5], p95: [2, 4], ref: [8, 5] };

/** A horizontal line across a panel, labelled at its right end. */
interface RefLine {
  value: number;
  label: string;
  colour: string;
  dash: number[];
}

interface Series {
  label: string;
  colour: string;
  buckets: TimeBucket[];
}

/** At most `max` items, evenly strided over the input (deterministic; keeps the first item). */
export function downsample<T>(items: readonly T[], max = MAX_POINTS): T[] {
  if (items.length <= max) return [...items];
  return Array.from({ length: max }, (_, i) => items[Math.floor((i * items.length) / max)]);
}

/** Latency of every arrived change over the steady-state run: one colour per direction, p50/p95 as dashed lines. */
export function latencyChart(steady: SteadyResult): ChartSpec {
  const points = downsample(steady.samples, MAX_POINTS);
  const percentiles = DIRECTIONS.flatMap((direction) => percentileLines(direction, steady));
  const maxLatencyS = Math.max(
    maxOf(percentiles, (line) => line.value),
    maxOf(steady.samples, (s) => s.latencyMs) / 1000,
    0.001,
  );
  const maxAtS = Math.max(steady.durationSeconds, maxOf(steady.samples, (s) => s.atMs) / 1000);
  const arrived = DIRECTIONS.reduce((sum, d) => sum + steady.latency[d].arrived, 0);
  const made = DIRECTIONS.reduce((sum, d) => sum + steady.latency[d].made, 0);
  const thinned =
    points.length < steady.samples.length
      ? `; ${formatInt(points.length)} of ${formatInt(steady.samples.length)} points drawn`
      : '';
  const seriesName = (d: Direction) =>
    `${DIRECTION_NAMES[d]} (${formatInt(steady.latency[d].arrived)} of ${formatInt(steady.latency[d].made)} arrived)`;
  const colour = {
    scale: { domain: DIRECTIONS.map(seriesName), range: DIRECTIONS.map((d) => DIRECTION_COLOURS[d]) },
    legend: { title: null, orient: 'top', columns: 1 },
  };
  const y = { scale: { domain: [0, maxLatencyS], nice: false }, title: 'latency (s)' };
  return {
    width: PLOT_WIDTH,
    height: PLOT_HEIGHT,
    ...chartFrame(
      'Steady state: latency of each change, made on one side → seen on the other',
      `${formatInt(arrived)} of ${formatInt(made)} changes arrived; ${steady.connections} connections, ` +
        `${formatNumber(steady.achievedRate, 1)} changes/s (target ${formatNumber(steady.rate, 1)}) for ${steady.durationSeconds} s${thinned}`,
    ),
    layer: [
      {
        data: {
          values: points.map((s) => ({
            atS: s.atMs / 1000,
            latencyS: s.latencyMs / 1000,
            series: seriesName(s.direction),
          })),
        },
        mark: { type: 'circle', size: 12, opacity: 0.45 },
        encoding: {
          x: {
            field: 'atS',
            type: 'quantitative',
            title: 'seconds into the steady-state run (when the change was made)',
            scale: { domain: [0, maxAtS] },
          },
          y: { field: 'latencyS', type: 'quantitative', ...y },
          color: { field: 'series', type: 'nominal', ...colour },
        },
      },
      ...refLineLayers(percentiles, maxAtS, { min: 0, max: maxLatencyS, log: false }),
    ],
  };
}

/**
 * Throughput over time: tasks arriving per second in each import run against its kafkajs ceiling,
 * and below it, when the steady state ran, changes propagated per second by direction.
 */
export function throughputChart(imports: readonly ImportResult[], steady: SteadyResult | null): ChartSpec {
  const panels = [importPanel(imports)];
  if (steady) panels.push(steadyPanel(steady));
  return {
    ...chartFrame('Throughput over time', null),
    vconcat: panels,
    resolve: { scale: { color: 'independent' }, legend: { color: 'independent' } },
  };
}

function importPanel(imports: readonly ImportResult[]): ChartSpec {
  const series: Series[] = imports.map((run, i) => ({
    label: `${run.label}: ${formatInt(run.tasks)} tasks, ${run.connections} connection${run.connections === 1 ? '' : 's'}, ${formatNumber(run.tasksPerSecond, 1)} tasks/s overall`,
    colour: RUN_COLOURS[i % RUN_COLOURS.length],
    buckets: perSecond(run.arrivalsMs),
  }));
  const ceilings: RefLine[] = imports.map((run, i) => ({
    value: run.ceiling.recordsPerSecond,
    label: `kafkajs ceiling (${run.label}): ${formatInt(run.ceiling.recordsPerSecond)} records/s`,
    colour: RUN_COLOURS[i % RUN_COLOURS.length],
    dash: DASHES['ref'],
  }));
  return ratePanel({
    title:
      'Initial import: tasks arriving in Sales Connect per second (dashed: the kafkajs ceiling, bare pipe, same broker)',
    yTitle: 'tasks per second',
    series,
    refLines: ceilings,
    minSeconds: Math.max(0, ...imports.map((run) => run.seconds)),
    emptyText: imports.length === 0 ? 'initial import not run' : null,
  });
}

function steadyPanel(steady: SteadyResult): ChartSpec {
  const arrivalMs = (s: SteadyResult['samples'][number]): number => s.atMs + s.latencyMs;
  const series: Series[] = [
    ...DIRECTIONS.map((d) => ({
      label: DIRECTION_NAMES[d],
      colour: DIRECTION_COLOURS[d],
      buckets: perSecond(steady.samples.filter((s) => s.direction === d).map(arrivalMs)),
    })),
    { label: 'both directions', colour: TOTAL_COLOUR, buckets: perSecond(steady.samples.map(arrivalMs)) },
  ];
  const made: RefLine = {
    value: steady.achievedRate,
    label: `changes made per second, both ways: ${formatNumber(steady.achievedRate, 1)}`,
    colour: TOTAL_COLOUR,
    dash: DASHES['ref'],
  };
  return ratePanel({
    title: 'Steady state: changes propagated per second (by arrival time; dashed: made by the generator)',
    yTitle: 'changes per second',
    series,
    refLines: [made],
    minSeconds: steady.durationSeconds,
    emptyText: steady.samples.length === 0 ? 'no change arrived' : null,
  });
}

interface RatePanel {
  title: string;
  yTitle: string;
  series: Series[];
  refLines: RefLine[];
  minSeconds: number;
  emptyText: string | null;
}

/** One panel of per-second counts as lines, with dashed reference lines; a log axis when a reference line dwarfs the data. */
function ratePanel(panel: RatePanel): ChartSpec {
  const buckets = panel.series.flatMap((s) => s.buckets);
  const dataMax = maxOf(buckets, (b) => b.count);
  const refMax = maxOf(panel.refLines, (line) => line.value);
  const lastS = Math.max(
    panel.minSeconds,
    maxOf(buckets, (b) => b.atMs / 1000),
    1,
  );
  const log = dataMax > 0 && refMax > LOG_SCALE_RATIO * dataMax;
  const yMax = Math.max(dataMax, refMax, 1);
  // symlog, not log: a second in which nothing arrived is 0 and stays on the axis.
  const yScale = log ? { type: 'symlog', domain: [0, yMax], nice: false } : { domain: [0, yMax], nice: false };
  const yAxis = log ? { tickCount: 6 } : {};
  const layers: ChartSpec[] = [
    {
      data: {
        values: panel.series.flatMap((s) =>
          s.buckets.map((b) => ({ atS: b.atMs / 1000, count: b.count, series: s.label })),
        ),
      },
      mark: { type: 'line', strokeWidth: 2, interpolate: 'linear' },
      encoding: {
        x: {
          field: 'atS',
          type: 'quantitative',
          title: 'seconds since the start of the run',
          scale: { domain: [0, lastS] },
        },
        y: {
          field: 'count',
          type: 'quantitative',
          title: panel.yTitle + (log ? ' (log scale)' : ''),
          scale: yScale,
          axis: yAxis,
        },
        color: {
          field: 'series',
          type: 'nominal',
          scale: { domain: panel.series.map((s) => s.label), range: panel.series.map((s) => s.colour) },
          legend: { title: null, orient: 'top', columns: 1 },
        },
      },
    },
    ...refLineLayers(panel.refLines, lastS, { min: 0, max: yMax, log }),
  ];
  if (panel.emptyText !== null) {
    layers.push({
      data: { values: [{ atS: lastS / 2, y: yMax / 2, text: panel.emptyText }] },
      mark: { type: 'text', fontSize: 16, color: '#888888' },
      encoding: {
        x: { field: 'atS', type: 'quantitative' },
        y: { field: 'y', type: 'quantitative' },
        text: { field: 'text' },
      },
    });
  }
  return { title: { text: panel.title, fontSize: 13 }, width: PLOT_WIDTH, height: PLOT_HEIGHT, layer: layers };
}

function percentileLines(direction: Direction, steady: SteadyResult): RefLine[] {
  const summary = steady.latency[direction];
  const lines: RefLine[] = [];
  for (const [name, ms] of [
    ['p50', summary.p50Ms],
    ['p95', summary.p95Ms],
  ] as const) {
    if (ms === null) continue;
    lines.push({
      value: ms / 1000,
      label: `${DIRECTION_NAMES[direction]} ${name} ${formatLatency(ms)}`,
      colour: DIRECTION_COLOURS[direction],
      dash: DASHES[name],
    });
  }
  return lines;
}

/** Each reference line as a rule across the plot and its label at the right end, labels pushed apart where lines are close. */
function refLineLayers(
  lines: readonly RefLine[],
  rightS: number,
  y: { min: number; max: number; log: boolean },
): ChartSpec[] {
  if (lines.length === 0) return [];
  const toPx = (value: number) => PLOT_HEIGHT * (1 - scaled(value, y) / scaled(y.max, y));
  const fromPx = (px: number) => unscaled((1 - px / PLOT_HEIGHT) * scaled(y.max, y), y);
  const labelPx = spreadLabels(
    lines.map((line) => toPx(line.value) - 2),
    LABEL_GAP,
    LABEL_GAP,
    PLOT_HEIGHT - 4,
  );
  return lines.flatMap((line, i) => [
    {
      data: { values: [{ value: line.value, label: line.label }] },
      mark: { type: 'rule', color: line.colour, strokeWidth: 1.5, strokeDash: line.dash },
      encoding: { y: { field: 'value', type: 'quantitative' } },
    },
    {
      data: { values: [{ atS: rightS, at: fromPx(labelPx[i]), label: line.label }] },
      mark: { type: 'text', align: 'right', baseline: 'bottom', dx: -4, fontSize: 11, color: line.colour },
      encoding: {
        x: { field: 'atS', type: 'quantitative' },
        y: { field: 'at', type: 'quantitative' },
        text: { field: 'label' },
      },
    },
  ]);
}

/** The value's position on a symlog (constant 1) or linear axis, before scaling to pixels. */
function scaled(value: number, y: { log: boolean }): number {
  return y.log ? Math.sign(value) * Math.log1p(Math.abs(value)) : value;
}

function unscaled(position: number, y: { log: boolean }): number {
  return y.log ? Math.sign(position) * Math.expm1(Math.abs(position)) : position;
}

/** Label positions at least `gap` apart, in the same order as the wanted ones, kept within [min, max] where room allows. */
export function spreadLabels(wanted: readonly number[], gap: number, min: number, max: number): number[] {
  const order = wanted.map((_, i) => i).sort((a, b) => wanted[a] - wanted[b]);
  const placed = order.map((i) => Math.min(Math.max(wanted[i], min), max));
  for (let k = 1; k < placed.length; k++) placed[k] = Math.max(placed[k], placed[k - 1] + gap);
  if (placed.length > 0) placed[placed.length - 1] = Math.min(placed[placed.length - 1], max);
  for (let k = placed.length - 2; k >= 0; k--) placed[k] = Math.min(placed[k], placed[k + 1] - gap);
  const result = new Array<number>(wanted.length);
  order.forEach((i, k) => (result[i] = placed[k]));
  return result;
}

/** The title, subtitle, white background and font every chart shares. */
export function chartFrame(title: string, subtitle: string | null): ChartSpec {
  return {
    $schema: SCHEMA,
    background: '#ffffff',
    padding: 16,
    title: {
      text: title,
      fontSize: 17,
      ...(subtitle ? { subtitle, subtitleFontSize: 12, subtitleColor: '#555555' } : {}),
    },
    config: {
      font: 'DejaVu Sans',
      view: { stroke: '#cccccc' },
      axis: { labelFontSize: 11, titleFontSize: 12 },
      legend: { labelFontSize: 11, labelLimit: 600 },
    },
  };
}

function maxOf<T>(items: readonly T[], value: (item: T) => number): number {
  let max = 0;
  for (const item of items) max = Math.max(max, value(item));
  return max;
}
