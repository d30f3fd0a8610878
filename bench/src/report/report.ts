import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DIRECTION_NAMES, DIRECTIONS, latencyChart, svgSize, throughputChart } from './charts';
import { formatInt, formatLatency, formatNumber, formatRatio } from './format';
import { renderPng } from './render-png';
import type { ApiCallsResult, BenchResults, ChangeKind, ImportResult, RssResult, SteadyResult } from './results';

export interface ReportFiles {
  markdownPath: string;
  /** Paths of the PNGs written (a chart whose phase was skipped is not drawn). */
  charts: string[];
}

const CHANGE_KINDS: readonly ChangeKind[] = ['create', 'edit', 'complete', 'delete'];
const NOT_RUN = 'not run';

interface ChartFile {
  file: string;
  alt: string;
  draw(): string;
}

/**
 * Writes results.json, report.md and the charts (latency.png, throughput.png) into outDir.
 * The JSON and the Markdown are written before the charts, so a Chromium failure loses no figures.
 */
export async function writeReport(results: BenchResults, outDir: string, chromiumPath: string): Promise<ReportFiles> {
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  const chartFiles = chartsFor(results);
  const markdownPath = join(outDir, 'report.md');
  await writeFile(markdownPath, reportMarkdown(results));
  const charts: string[] = [];
  for (const chart of chartFiles) {
    const pngPath = join(outDir, chart.file);
    const svg = chart.draw();
    await renderPng(svg, pngPath, chromiumPath, svgSize(svg));
    charts.push(pngPath);
  }
  return { markdownPath, charts };
}

/** The charts a run has data for: throughput when anything ran, latency when the steady state ran. */
function chartsFor(results: BenchResults): ChartFile[] {
  const charts: ChartFile[] = [];
  if (results.imports.length > 0 || results.steady) {
    charts.push({ file: 'throughput.png', alt: 'Throughput over time', draw: () => throughputChart(results.imports, results.steady) });
  }
  const steady = results.steady;
  if (steady) {
    charts.push({ file: 'latency.png', alt: 'Steady-state latency over time', draw: () => latencyChart(steady) });
  }
  return charts;
}

/** The figures the benchmark prints at the end, one line each. */
export function summaryLines(results: BenchResults): string[] {
  const lines: string[] = [];
  if (results.imports.length === 0) lines.push(`initial import: ${NOT_RUN}`);
  for (const run of results.imports) {
    lines.push(
      `import ${run.label} (${formatInt(run.tasks)} tasks, ${run.connections} connection${run.connections === 1 ? '' : 's'}): ` +
        `${formatNumber(run.tasksPerSecond, 1)} tasks/s; kafkajs ceiling ${formatInt(run.ceiling.recordsPerSecond)} records/s; ` +
        `ratio ${formatRatio(run.ratioToCeiling)}`,
    );
  }
  if (!results.steady) lines.push(`steady state: ${NOT_RUN}`);
  else {
    for (const direction of DIRECTIONS) {
      const l = results.steady.latency[direction];
      lines.push(
        `steady ${direction}: p50 ${formatLatency(l.p50Ms)}, p95 ${formatLatency(l.p95Ms)}, p99 ${formatLatency(l.p99Ms)} ` +
          `(${formatInt(l.arrived)} arrived of ${formatInt(l.made)} made)`,
      );
    }
  }
  const api = results.apiCalls;
  lines.push(
    api
      ? `Salesforce API calls: ${formatNumber(api.callsPer1000, 1)} per 1,000 changes vs floor ${formatNumber(api.floorPer1000, 1)}; ratio ${formatRatio(api.ratioToFloor)}`
      : `Salesforce API calls: ${NOT_RUN}`,
  );
  for (const rss of results.rss) lines.push(`peak RSS ${rss.program}: ${formatNumber(rss.peakMiB, 1)} MiB`);
  return lines;
}

/** report.md: the run's settings and figures, and the two charts. */
export function reportMarkdown(results: BenchResults): string {
  const sections = [
    headerSection(results),
    settingsSection(results),
    importSection(results.imports),
    steadySection(results.steady),
    apiCallsSection(results.apiCalls),
    rssSection(results.rss),
    chartsSection(results),
  ];
  return `${sections.map((lines) => lines.join('\n')).join('\n\n')}\n`;
}

function headerSection(results: BenchResults): string[] {
  const m = results.machine;
  return [
    `# Task sync benchmark, ${results.startedAt.slice(0, 10)}`,
    '',
    `Run from ${results.startedAt} to ${results.finishedAt}.`,
    '',
    `Machine: ${m.cpus} × ${m.cpuModel}, ${formatNumber(m.memoryGiB, 1)} GiB memory, Node ${m.node}, ${m.platform}.`,
    '',
    'Reproduce with:',
    '',
    '```sh',
    results.command,
    '```',
  ];
}

function settingsSection(results: BenchResults): string[] {
  const s = results.settings;
  const rows: string[][] = [
    ['tasks', formatInt(s.tasks), 'benchmark: Salesforce tasks seeded in the 24-hour window'],
    ['connections', formatInt(s.connections), 'benchmark: connections sharing those tasks in the second import run'],
    ['rate', `${formatNumber(s.rate, 1)} changes/s`, 'benchmark: steady-state changes per second, both sides together'],
    ['durationSeconds', `${formatInt(s.durationSeconds)} s`, 'benchmark: seconds of steady-state changes'],
    ...Object.entries(results.serviceSettings).map(([name, value]) => [name, value, 'services']),
  ];
  return ['## Settings', '', ...table(['setting', 'value', 'of'], rows, ['l', 'r', 'l'])];
}

function importSection(imports: readonly ImportResult[]): string[] {
  const heading = ['## Initial import', ''];
  if (imports.length === 0) return [...heading, `${capitalize(NOT_RUN)}.`];
  const rows = imports.map((run) => [
    run.label,
    formatInt(run.connections),
    formatInt(run.tasks),
    formatNumber(run.seconds, 1),
    formatNumber(run.tasksPerSecond, 1),
    formatInt(run.ceiling.recordsPerSecond),
    formatInt(run.ceiling.recordBytes),
    formatRatio(run.ratioToCeiling),
  ]);
  return [
    ...heading,
    'From the first Save (enable) to the last task seen in Sales Connect. The ceiling is the bare kafkajs pipe on the same broker; ratio = tasks/s ÷ ceiling records/s.',
    '',
    ...table(['run', 'connections', 'tasks', 'seconds', 'tasks/s', 'ceiling records/s', 'record bytes', 'ratio'], rows, ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r']),
    '',
    ...imports.map(
      (run) =>
        `- ${run.label} ceiling: ${formatInt(run.ceiling.records)} records of ${formatInt(run.ceiling.recordBytes)} bytes over ` +
        `${run.ceiling.partitions} partitions in ${formatNumber(run.ceiling.seconds, 2)} s.`,
    ),
  ];
}

function steadySection(steady: SteadyResult | null): string[] {
  const heading = ['## Steady state', ''];
  if (!steady) return [...heading, `${capitalize(NOT_RUN)}.`];
  const latencyRows = DIRECTIONS.map((d) => {
    const l = steady.latency[d];
    return [DIRECTION_NAMES[d], formatInt(l.made), formatInt(l.arrived), formatLatency(l.p50Ms), formatLatency(l.p95Ms), formatLatency(l.p99Ms), formatLatency(l.maxMs)];
  });
  const kindRows = DIRECTIONS.map((d) => {
    const byKind = steady.madeByKind[d];
    const total = CHANGE_KINDS.reduce((sum, kind) => sum + byKind[kind], 0);
    return [DIRECTION_NAMES[d], ...CHANGE_KINDS.map((kind) => formatInt(byKind[kind])), formatInt(total)];
  });
  return [
    ...heading,
    `${steady.connections} connections; target ${formatNumber(steady.rate, 1)} changes/s both ways for ${formatInt(steady.durationSeconds)} s; ` +
      `achieved ${formatNumber(steady.achievedRate, 1)} changes/s. Latency: from the change on one side to its arrival on the other.`,
    '',
    ...table(['direction', 'made', 'arrived', 'p50', 'p95', 'p99', 'max'], latencyRows, ['l', 'r', 'r', 'r', 'r', 'r', 'r']),
    '',
    'Changes made, by kind:',
    '',
    ...table(['direction', ...CHANGE_KINDS, 'total'], kindRows, ['l', 'r', 'r', 'r', 'r', 'r']),
  ];
}

function apiCallsSection(api: ApiCallsResult | null): string[] {
  const heading = ['## Salesforce API calls', ''];
  if (!api) return [...heading, `${capitalize(NOT_RUN)}.`];
  const totalCalls = Object.values(api.byEndpoint).reduce((sum, n) => sum + n, 0);
  const endpointRows = Object.entries(api.byEndpoint)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([endpoint, calls]) => [endpoint, formatInt(calls), totalCalls > 0 ? `${formatNumber((100 * calls) / totalCalls, 1)} %` : '–']);
  return [
    ...heading,
    'REST calls the product made during the steady-state run (the benchmark acting as the users is not counted).',
    '',
    ...table(
      ['figure', 'value'],
      [
        ['changes propagated', formatInt(api.changesPropagated)],
        ['product calls', formatInt(api.productCalls)],
        ['calls per 1,000 changes', formatNumber(api.callsPer1000, 1)],
        ['floor per 1,000 changes', formatNumber(api.floorPer1000, 1)],
        ['ratio to floor', formatRatio(api.ratioToFloor)],
      ],
      ['l', 'r'],
    ),
    '',
    'The floor, per connection and summed: ⌈writes / 200⌉ + ⌈records read / 2,000⌉ + one call per poll.',
    '',
    ...table(
      ['floor part', 'value'],
      [
        ['writes', formatInt(api.floor.writes)],
        ['records read', formatInt(api.floor.recordsRead)],
        ['polls', formatInt(api.floor.polls)],
        ['floor calls', formatInt(api.floor.calls)],
      ],
      ['l', 'r'],
    ),
    '',
    'Calls by endpoint:',
    '',
    ...(endpointRows.length > 0 ? table(['endpoint', 'calls', 'share'], endpointRows, ['l', 'r', 'r']) : ['None.']),
  ];
}

function rssSection(rss: readonly RssResult[]): string[] {
  const heading = ['## Peak RSS', ''];
  if (rss.length === 0) return [...heading, 'Not measured.'];
  return [
    ...heading,
    'VmHWM of each process at the end of the run.',
    '',
    ...table(['program', 'pid', 'peak MiB'], rss.map((r) => [r.program, String(r.pid), formatNumber(r.peakMiB, 1)]), ['l', 'r', 'r']),
  ];
}

function chartsSection(results: BenchResults): string[] {
  const charts = chartsFor(results);
  const drawn = new Set(charts.map((chart) => chart.file));
  return [
    '## Charts',
    '',
    ...charts.flatMap((chart) => [`![${chart.alt}](${chart.file})`, '']),
    ...(drawn.has('throughput.png') ? [] : [`Throughput: ${NOT_RUN}.`, '']),
    ...(drawn.has('latency.png') ? [] : [`Latency: ${NOT_RUN} (no steady-state phase).`, '']),
  ].slice(0, -1);
}

/** A Markdown table; pipes in cells are escaped. */
function table(header: readonly string[], rows: readonly (readonly string[])[], align: readonly ('l' | 'r')[]): string[] {
  const line = (cells: readonly string[]): string => `| ${cells.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), `|${align.map((a) => (a === 'r' ? '---:' : ':---')).join('|')}|`, ...rows.map(line)];
}

function capitalize(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}
