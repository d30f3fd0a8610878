import { formatInt, formatLatency, formatNumber } from './format';
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
const WIDTH = 1000;
const PANEL_HEIGHT = 440;
/** Above this ratio of the highest reference line to the data's peak, a linear axis would flatten the data. */
const LOG_SCALE_RATIO = 10;

interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

interface Scale {
  toPx(value: number): number;
  ticks: number[];
  label(value: number): string;
}

interface LegendItem {
  label: string;
  colour: string;
  mark: 'dot' | 'line' | 'dashed' | 'dotted';
}

interface RefLine {
  value: number;
  label: string;
  colour: string;
  className: string;
  dash: string;
}

interface Series {
  label: string;
  colour: string;
  className: string;
  buckets: TimeBucket[];
}

/** At most `max` items, evenly strided over the input (deterministic; keeps the first item). */
export function downsample<T>(items: readonly T[], max = MAX_POINTS): T[] {
  if (items.length <= max) return [...items];
  return Array.from({ length: max }, (_, i) => items[Math.floor((i * items.length) / max)]);
}

/** The width and height a chart's root <svg> declares: the PNG's size. */
export function svgSize(svg: string): { width: number; height: number } {
  const match = /^<svg\b[^>]*?\swidth="(\d+)"[^>]*?\sheight="(\d+)"/.exec(svg);
  if (!match) throw new Error('svgSize: the SVG root declares no width and height');
  return { width: Number(match[1]), height: Number(match[2]) };
}

/** Latency of every arrived change over the steady-state run: one colour per direction, p50/p95 as dashed lines. */
export function latencyChart(steady: SteadyResult): string {
  const height = 620;
  const plot: Rect = { x: 80, y: 130, w: WIDTH - 120, h: height - 210 };
  const points = downsample(steady.samples, MAX_POINTS);
  const percentiles = DIRECTIONS.flatMap((direction) => percentileLines(direction, steady));
  const maxLatencyS = Math.max(maxOf(percentiles, (line) => line.value), maxOf(steady.samples, (s) => s.latencyMs) / 1000);
  const maxAtS = Math.max(steady.durationSeconds, maxOf(steady.samples, (s) => s.atMs) / 1000);
  const x = linearScale(maxAtS, plot.x, plot.x + plot.w);
  const y = linearScale(maxLatencyS, plot.y + plot.h, plot.y);

  const circles = points.map(
    (s) =>
      `<circle class="sample" cx="${px(x.toPx(s.atMs / 1000))}" cy="${px(y.toPx(s.latencyMs / 1000))}" r="2" fill="${DIRECTION_COLOURS[s.direction]}" fill-opacity="0.45"/>`,
  );
  const arrived = DIRECTIONS.reduce((sum, d) => sum + steady.latency[d].arrived, 0);
  const made = DIRECTIONS.reduce((sum, d) => sum + steady.latency[d].made, 0);
  const thinned = points.length < steady.samples.length ? `; ${formatInt(points.length)} of ${formatInt(steady.samples.length)} points drawn` : '';
  const legend: LegendItem[] = [
    ...DIRECTIONS.map((d) => ({
      label: `${DIRECTION_NAMES[d]} (${formatInt(steady.latency[d].arrived)} of ${formatInt(steady.latency[d].made)} arrived)`,
      colour: DIRECTION_COLOURS[d],
      mark: 'dot' as const,
    })),
    { label: 'p50', colour: TOTAL_COLOUR, mark: 'dashed' },
    { label: 'p95', colour: TOTAL_COLOUR, mark: 'dotted' },
  ];

  return svgRoot(WIDTH, height, [
    text(WIDTH / 2, 30, 'Steady state: latency of each change, made on one side → seen on the other', {
      'text-anchor': 'middle',
      'font-size': 18,
      'font-weight': 'bold',
    }),
    text(
      WIDTH / 2,
      54,
      `${formatInt(arrived)} of ${formatInt(made)} changes arrived; ${steady.connections} connections, ` +
        `${formatNumber(steady.achievedRate, 1)} changes/s (target ${formatNumber(steady.rate, 1)}) for ${steady.durationSeconds} s${thinned}`,
      { 'text-anchor': 'middle', 'font-size': 13, fill: '#555' },
    ),
    legendSvg(plot.x, 84, plot.w, legend),
    axesSvg(plot, x, y, 'seconds into the steady-state run (when the change was made)', 'latency (s)'),
    ...circles,
    refLinesSvg(plot, y, percentiles),
  ]);
}

/**
 * Throughput over time: tasks arriving per second in each import run against its kafkajs ceiling,
 * and below it, when the steady state ran, changes propagated per second by direction.
 */
export function throughputChart(imports: readonly ImportResult[], steady: SteadyResult | null): string {
  const top = 50;
  const height = top + PANEL_HEIGHT * (steady ? 2 : 1);
  const panels = [importPanel(imports, { x: 0, y: top, w: WIDTH, h: PANEL_HEIGHT })];
  if (steady) panels.push(steadyPanel(steady, { x: 0, y: top + PANEL_HEIGHT, w: WIDTH, h: PANEL_HEIGHT }));
  return svgRoot(WIDTH, height, [
    text(WIDTH / 2, 30, 'Throughput over time', { 'text-anchor': 'middle', 'font-size': 18, 'font-weight': 'bold' }),
    ...panels,
  ]);
}

function importPanel(imports: readonly ImportResult[], area: Rect): string {
  const series: Series[] = imports.map((run, i) => ({
    label: `${run.label}: ${formatInt(run.tasks)} tasks, ${run.connections} connection${run.connections === 1 ? '' : 's'}, ${formatNumber(run.tasksPerSecond, 1)} tasks/s overall`,
    colour: RUN_COLOURS[i % RUN_COLOURS.length],
    className: 'series import',
    buckets: perSecond(run.arrivalsMs),
  }));
  const ceilings: RefLine[] = imports.map((run, i) => ({
    value: run.ceiling.recordsPerSecond,
    label: `kafkajs ceiling (${run.label}): ${formatInt(run.ceiling.recordsPerSecond)} records/s`,
    colour: RUN_COLOURS[i % RUN_COLOURS.length],
    className: 'ceiling',
    dash: '8 5',
  }));
  const legend: LegendItem[] = [
    ...series.map((s) => ({ label: s.label, colour: s.colour, mark: 'line' as const })),
    ...(imports.length > 0 ? [{ label: 'kafkajs ceiling (bare pipe, same broker)', colour: TOTAL_COLOUR, mark: 'dashed' as const }] : []),
  ];
  const maxSeconds = Math.max(0, ...imports.map((run) => run.seconds));
  return ratePanel(area, {
    title: 'Initial import: tasks arriving in Sales Connect per second',
    yTitle: 'tasks per second',
    series,
    refLines: ceilings,
    legend,
    minSeconds: maxSeconds,
    emptyText: imports.length === 0 ? 'initial import not run' : null,
  });
}

function steadyPanel(steady: SteadyResult, area: Rect): string {
  const arrivalMs = (s: SteadyResult['samples'][number]): number => s.atMs + s.latencyMs;
  const series: Series[] = [
    ...DIRECTIONS.map((d) => ({
      label: DIRECTION_NAMES[d],
      colour: DIRECTION_COLOURS[d],
      className: 'series steady',
      buckets: perSecond(steady.samples.filter((s) => s.direction === d).map(arrivalMs)),
    })),
    { label: 'both directions', colour: TOTAL_COLOUR, className: 'series steady', buckets: perSecond(steady.samples.map(arrivalMs)) },
  ];
  const made: RefLine = {
    value: steady.achievedRate,
    label: `changes made per second, both ways: ${formatNumber(steady.achievedRate, 1)}`,
    colour: TOTAL_COLOUR,
    className: 'made-rate',
    dash: '8 5',
  };
  return ratePanel(area, {
    title: 'Steady state: changes propagated per second (by arrival time)',
    yTitle: 'changes per second',
    series,
    refLines: [made],
    legend: [
      ...series.map((s) => ({ label: s.label, colour: s.colour, mark: 'line' as const })),
      { label: 'changes made per second (generator)', colour: TOTAL_COLOUR, mark: 'dashed' },
    ],
    minSeconds: steady.durationSeconds,
    emptyText: steady.samples.length === 0 ? 'no change arrived' : null,
  });
}

interface RatePanelSpec {
  title: string;
  yTitle: string;
  series: Series[];
  refLines: RefLine[];
  legend: LegendItem[];
  minSeconds: number;
  emptyText: string | null;
}

/** One panel of per-second counts as lines, with dashed reference lines; log scale when a reference line dwarfs the data. */
function ratePanel(area: Rect, spec: RatePanelSpec): string {
  const plot: Rect = { x: area.x + 80, y: area.y + 80, w: area.w - 120, h: area.h - 140 };
  const buckets = spec.series.flatMap((s) => s.buckets);
  const dataMax = maxOf(buckets, (b) => b.count);
  const refMax = maxOf(spec.refLines, (line) => line.value);
  const lastS = Math.max(spec.minSeconds, maxOf(buckets, (b) => b.atMs / 1000));
  const useLog = dataMax > 0 && refMax > LOG_SCALE_RATIO * dataMax;
  const yMax = Math.max(dataMax, refMax);
  const x = linearScale(lastS, plot.x, plot.x + plot.w);
  const y = useLog ? logScale(yMax, plot.y + plot.h, plot.y) : linearScale(yMax, plot.y + plot.h, plot.y);
  const lines = spec.series.map(
    (s) =>
      `<polyline class="${s.className}" data-label="${escapeXml(s.label)}" fill="none" stroke="${s.colour}" stroke-width="2" stroke-linejoin="round" points="${s.buckets
        .map((b) => `${px(x.toPx(b.atMs / 1000))},${px(y.toPx(b.count))}`)
        .join(' ')}"/>`,
  );
  return [
    text(area.x + area.w / 2, area.y + 22, spec.title, { 'text-anchor': 'middle', 'font-size': 15, 'font-weight': 'bold' }),
    legendSvg(plot.x, area.y + 42, plot.w, spec.legend),
    axesSvg(plot, x, y, 'seconds since the start of the run', spec.yTitle + (useLog ? ' (log scale; empty seconds on the axis)' : '')),
    ...lines,
    refLinesSvg(plot, y, spec.refLines),
    spec.emptyText === null
      ? ''
      : text(plot.x + plot.w / 2, plot.y + plot.h / 2, spec.emptyText, { 'text-anchor': 'middle', 'font-size': 16, fill: '#888' }),
  ].join('\n');
}

function percentileLines(direction: Direction, steady: SteadyResult): RefLine[] {
  const summary = steady.latency[direction];
  const lines: RefLine[] = [];
  for (const [name, ms, dash] of [
    ['p50', summary.p50Ms, '8 5'],
    ['p95', summary.p95Ms, '2 4'],
  ] as const) {
    if (ms === null) continue;
    lines.push({
      value: ms / 1000,
      label: `${DIRECTION_NAMES[direction]} ${name} ${formatLatency(ms)}`,
      colour: DIRECTION_COLOURS[direction],
      className: `percentile ${name}`,
      dash,
    });
  }
  return lines;
}

/** Dashed horizontal lines across the plot, each labelled at its right end; labels pushed apart when lines are close. */
function refLinesSvg(plot: Rect, y: Scale, lines: readonly RefLine[]): string {
  const lineYs = lines.map((line) => y.toPx(line.value));
  const labelYs = spreadLabels(
    lineYs.map((ly) => ly - 5),
    15,
    plot.y + 12,
    plot.y + plot.h - 4,
  );
  return lines
    .map((line, i) =>
      [
        `<line class="${line.className}" x1="${px(plot.x)}" x2="${px(plot.x + plot.w)}" y1="${px(lineYs[i])}" y2="${px(lineYs[i])}" stroke="${line.colour}" stroke-width="1.5" stroke-dasharray="${line.dash}"/>`,
        labelBackground(plot.x + plot.w - 6, labelYs[i], line.label),
        text(plot.x + plot.w - 6, labelYs[i], line.label, {
          'text-anchor': 'end',
          'font-size': 12,
          fill: line.colour,
          stroke: '#ffffff',
          'stroke-width': 3,
          'paint-order': 'stroke',
        }),
      ].join('\n'),
    )
    .join('\n');
}

/** A translucent white box behind a right-aligned 12px label, so points and lines under it do not garble it. */
function labelBackground(right: number, baseline: number, label: string): string {
  const width = label.length * 6.4 + 8;
  return `<rect x="${px(right - width + 3)}" y="${px(baseline - 12)}" width="${px(width)}" height="16" fill="#ffffff" fill-opacity="0.85"/>`;
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

function axesSvg(plot: Rect, x: Scale, y: Scale, xTitle: string, yTitle: string): string {
  const bottom = plot.y + plot.h;
  const right = plot.x + plot.w;
  const yTicks = y.ticks.map((t) => {
    const ty = y.toPx(t);
    return (
      `<line x1="${px(plot.x)}" x2="${px(right)}" y1="${px(ty)}" y2="${px(ty)}" stroke="#e6e6e6"/>` +
      text(plot.x - 8, ty, y.label(t), { 'text-anchor': 'end', 'font-size': 12, dy: '0.35em', fill: '#333' })
    );
  });
  const xTicks = x.ticks.map((t) => {
    const tx = x.toPx(t);
    return (
      `<line x1="${px(tx)}" x2="${px(tx)}" y1="${px(bottom)}" y2="${px(bottom + 5)}" stroke="#333"/>` +
      text(tx, bottom + 20, x.label(t), { 'text-anchor': 'middle', 'font-size': 12, fill: '#333' })
    );
  });
  const yTitleY = plot.y + plot.h / 2;
  return [
    ...yTicks,
    ...xTicks,
    `<line x1="${px(plot.x)}" x2="${px(plot.x)}" y1="${px(plot.y)}" y2="${px(bottom)}" stroke="#333"/>`,
    `<line x1="${px(plot.x)}" x2="${px(right)}" y1="${px(bottom)}" y2="${px(bottom)}" stroke="#333"/>`,
    text(plot.x + plot.w / 2, bottom + 42, xTitle, { 'text-anchor': 'middle', 'font-size': 13 }),
    text(plot.x - 58, yTitleY, yTitle, { 'text-anchor': 'middle', 'font-size': 13, transform: `rotate(-90 ${px(plot.x - 58)} ${px(yTitleY)})` }),
  ].join('\n');
}

/** A legend laid out left to right, wrapping to a new row when the estimated width runs out. */
function legendSvg(left: number, top: number, maxWidth: number, items: readonly LegendItem[]): string {
  const parts: string[] = [];
  let cx = left;
  let cy = top;
  for (const item of items) {
    const width = 34 + item.label.length * 6.2;
    if (cx > left && cx + width > left + maxWidth) {
      cx = left;
      cy += 18;
    }
    parts.push(legendMark(cx, cy, item), text(cx + 26, cy, item.label, { 'font-size': 12, dy: '0.35em', fill: '#222' }));
    cx += width + 14;
  }
  return parts.join('\n');
}

function legendMark(x: number, y: number, item: LegendItem): string {
  if (item.mark === 'dot') return `<circle class="legend" cx="${px(x + 10)}" cy="${px(y)}" r="4" fill="${item.colour}"/>`;
  const dash = item.mark === 'dashed' ? ' stroke-dasharray="6 4"' : item.mark === 'dotted' ? ' stroke-dasharray="2 3"' : '';
  return `<line x1="${px(x)}" x2="${px(x + 20)}" y1="${px(y)}" y2="${px(y)}" stroke="${item.colour}" stroke-width="2"${dash}/>`;
}

/** A 0-based linear scale whose top is the closest round number at or above maxValue, with 4 to 8 ticks. */
function linearScale(maxValue: number, pxFrom: number, pxTo: number): Scale {
  const wanted = maxValue > 0 ? maxValue : 1;
  let step = Infinity;
  let top = Infinity;
  for (let tickCount = 4; tickCount <= 8; tickCount++) {
    const candidate = niceStep(wanted / tickCount);
    const candidateTop = Math.ceil(wanted / candidate - 1e-9) * candidate;
    if (candidateTop < top - 1e-9) {
      step = candidate;
      top = candidateTop;
    }
  }
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  const ticks = Array.from({ length: Math.round(top / step) + 1 }, (_, i) => Number((i * step).toFixed(decimals)));
  return {
    toPx: (value) => pxFrom + (value / top) * (pxTo - pxFrom),
    ticks,
    label: (value) => formatNumber(value, decimals),
  };
}

/** A log10 scale from 1 to the next power of ten at or above maxValue; values below 1 sit on the axis. */
function logScale(maxValue: number, pxFrom: number, pxTo: number): Scale {
  const decades = Math.max(1, Math.ceil(Math.log10(Math.max(maxValue, 10)) - 1e-9));
  return {
    toPx: (value) => pxFrom + (Math.log10(Math.max(value, 1)) / decades) * (pxTo - pxFrom),
    ticks: Array.from({ length: decades + 1 }, (_, i) => 10 ** i),
    label: (value) => formatInt(value),
  };
}

/** 1, 2 or 5 times a power of ten, at or above raw. */
function niceStep(raw: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / magnitude;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * magnitude;
}

/** The largest value, 0 for none; a loop, since spreading 100,000 values into Math.max overflows the stack. */
function maxOf<T>(items: readonly T[], value: (item: T) => number): number {
  let max = 0;
  for (const item of items) max = Math.max(max, value(item));
  return max;
}

function svgRoot(width: number, height: number, body: readonly string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    ...body,
    '</svg>',
  ].join('\n');
}

function text(x: number, y: number, content: string, attributes: Record<string, string | number> = {}): string {
  const attrs = Object.entries(attributes)
    .map(([name, value]) => ` ${name}="${escapeXml(String(value))}"`)
    .join('');
  return `<text x="${px(x)}" y="${px(y)}"${attrs}>${escapeXml(content)}</text>`;
}

function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Coordinates to one decimal: enough for a 1000-pixel chart, and half the bytes of full precision. */
function px(value: number): string {
  return String(Math.round(value * 10) / 10);
}
