import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DIRECTION_NAMES, DIRECTIONS, latencyChart, throughputChart } from './charts';
import { formatInt, formatLatency, formatNumber, formatRatio } from './format';
import {
  CDC_DAILY_ALLOCATIONS,
  CHANGES_PER_REP_PER_DAY,
  ENTERPRISE_CDC_ALLOCATION,
  type CdcDayResult,
} from './cdc-day';
import {
  ACTIVITY_CADENCE,
  ACTIVITY_NAMES,
  byActivity,
  DAY_MS,
  IDLE_MODES,
  ORG_READS_TARGET_PER_DAY,
  type IdleActivityFigure,
  type IdleMode,
} from './idle-calls';
import { renderChartPng, type ChartSpec } from './render-chart';
import { enterpriseApiAllocation, type RepDayCallsResult } from './rep-day-calls';
import type { SpreadFigure } from './spread';
import type {
  ApiCallsResult,
  AtRestResult,
  BenchResults,
  ChangeKind,
  CpuFigure,
  IdleOrgRun,
  IdleOrgsResult,
  ImportResult,
  LatencySummary,
  ReadMode,
  RssResult,
  SteadyResult,
  StreamAtRunEnd,
} from './results';

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
  draw(): ChartSpec;
}

/**
 * Writes results.json, report.md and the charts (latency.png, throughput.png) into outDir.
 * The JSON and the Markdown are written before the charts, so a chart that fails loses no figures.
 */
export async function writeReport(results: BenchResults, outDir: string): Promise<ReportFiles> {
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  const chartFiles = chartsFor(results);
  const markdownPath = join(outDir, 'report.md');
  await writeFile(markdownPath, reportMarkdown(results));
  const charts: string[] = [];
  for (const chart of chartFiles) {
    const pngPath = join(outDir, chart.file);
    await renderChartPng(chart.draw(), pngPath);
    charts.push(pngPath);
  }
  return { markdownPath, charts };
}

/** The charts a run has data for: throughput when anything ran, latency when the steady state ran. */
function chartsFor(results: BenchResults): ChartFile[] {
  const charts: ChartFile[] = [];
  if (results.imports.length > 0 || results.steady) {
    charts.push({
      file: 'throughput.png',
      alt: 'Throughput over time',
      draw: () => throughputChart(results.imports, results.steady),
    });
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
  const atRest = results.atRest;
  if (!atRest) lines.push(`latency at rest: ${NOT_RUN}`);
  else {
    lines.push(
      `latency at rest: one change at a time, ${formatInt(atRest.changesPerDirection)} a direction; Salesforce read ${READ_MODE_NAMES[atRest.readMode]}`,
    );
    for (const direction of DIRECTIONS) lines.push(`at rest ${direction}: ${latencyLine(atRest.latency[direction])}`);
  }
  if (!results.steady) lines.push(`steady state: ${NOT_RUN}`);
  else {
    lines.push(
      `steady state: ${formatNumber(results.steady.rate, 1)} changes/s; Salesforce read ${READ_MODE_NAMES[results.steady.readMode]}`,
    );
    for (const direction of DIRECTIONS)
      lines.push(`steady ${direction}: ${latencyLine(results.steady.latency[direction])}`);
  }
  const api = results.apiCalls;
  lines.push(
    api
      ? `Salesforce API calls: ${formatNumber(api.callsPer1000, 1)} per 1,000 changes vs floor ${formatNumber(api.floorPer1000, 1)}; ratio ${formatRatio(api.ratioToFloor)}`
      : `Salesforce API calls: ${NOT_RUN}`,
  );
  if (results.steadySpread && results.settings.steadyRuns > 1) {
    lines.push(`steady state over ${results.settings.steadyRuns} runs, min / median / max:`);
    for (const f of results.steadySpread) lines.push(`  ${f.name}: ${spreadText(f)}`);
  }
  lines.push(...cpuSummaryLines(results.imports, results.steady));
  for (const rss of results.rss)
    lines.push(
      `peak RSS ${rss.program}: ${formatNumber(rss.peakMiB, 1)} MiB${rss.reachedIn ? ` (reached in ${rss.reachedIn})` : ''}`,
    );
  lines.push(...idleSummaryLines(results.idleOrgs));
  return lines;
}

/** How the benchmark's org was read, after "Salesforce read". */
const READ_MODE_NAMES: Record<ReadMode, string> = {
  stream: "once, by the org's change stream (its reader connected by an admin; safety-net org poll)",
  'per-rep': "by each rep's own polls (no org reader)",
};

/** Whether the stream carried the run: past the org's CDC allocation Salesforce stops it and the 30 s org poll reads instead. */
export function streamSentence(stream: StreamAtRunEnd): string {
  const events = `The org's CDC allocation: ${formatInt(stream.dailyAllocation)} events a day; ${formatInt(stream.deliveredToday)} delivered today by the end of this run`;
  return stream.state === 'streaming'
    ? `${events}; the stream was streaming at its end.`
    : `${events}; **the stream was ${stream.state} at its end: changes were read by the org poll** (\`ORG_POLL_DOWN_INTERVAL_MS\`), not the stream.`;
}

function latencyLine(l: LatencySummary): string {
  return `p50 ${formatLatency(l.p50Ms)}, p95 ${formatLatency(l.p95Ms)}, p99 ${formatLatency(l.p99Ms)} (${formatInt(l.arrived)} arrived of ${formatInt(l.made)} made)`;
}

const MODE_NAMES: Record<IdleMode, string> = {
  'org-reads': 'read once (reader: CDC stream + safety-net org poll + preflight)',
  'per-rep': 'read per rep (no reader: idle polls backed off)',
};
const IDLE_FORMULA =
  'calls a day = Σ endpoints: calls in window ÷ cycles in window × cycles a day at the default intervals';
const reps = (n: number) => `${formatInt(n)} rep${n === 1 ? '' : 's'}`;

/** One term of a run's per-day sum, e.g. `org poll 9 calls ÷ 9 cycles × 288 a day = 288`. */
function activityTerm(a: IdleActivityFigure, windowSeconds: number): string {
  if (a.scaledBy === 'window' || a.cyclesPerDay === null) {
    return `${ACTIVITY_NAMES[a.activity]} ${formatInt(a.calls)} calls × 86,400 s ÷ ${formatNumber(windowSeconds, 1)} s = ${formatInt(a.perDay)} (no cadence: the window's rate)`;
  }
  return `${ACTIVITY_NAMES[a.activity]} ${formatInt(a.calls)} calls ÷ ${formatInt(a.cycles)} cycles × ${formatNumber(a.cyclesPerDay, a.cyclesPerDay % 1 ? 1 : 0)} a day = ${formatInt(a.perDay)}`;
}

function idleSummaryLines(idle: IdleOrgsResult | null): string[] {
  if (!idle) return [`idle org API calls a day: ${NOT_RUN}`];
  const lines: string[] = [];
  for (const mode of IDLE_MODES) {
    const runs = idle.runs.filter((r) => r.mode === mode);
    if (runs.length === 0) continue;
    const figures = runs
      .map(
        (r) =>
          `${reps(r.reps)} ${formatInt(r.perDay)}${mode === 'per-rep' && r.reps > 1 ? ` (${formatInt(r.perDay / r.reps)} a rep)` : ''}`,
      )
      .join(', ');
    const target =
      mode === 'org-reads'
        ? `; issue 20 asks at most ${ORG_READS_TARGET_PER_DAY}: ${runs.every((r) => r.perDay <= ORG_READS_TARGET_PER_DAY) ? 'met' : 'not met'}`
        : '';
    lines.push(`idle org API calls a day, ${MODE_NAMES[mode]}: ${figures}${target}`);
  }
  for (const run of idle.runs) {
    lines.push(
      `  ${run.mode} ${reps(run.reps)}: ${formatInt(run.perDay)} = ${
        byActivity(run.endpoints)
          .map((a) => activityTerm(a, run.windowSeconds))
          .join(' + ') || '0'
      } (window ${formatNumber(run.windowSeconds, 1)} s)`,
    );
  }
  lines.push(`  ${IDLE_FORMULA}`);
  const day = idle.cdcDay;
  lines.push(
    day
      ? `CDC events a day (a realistic day: ${CHANGES_PER_REP_PER_DAY} changes a rep, half each side): ${formatNumber(day.eventsPerChange, 2)} delivered a change = ` +
          `${formatInt(day.perRepPerDay)} a rep; ${day.perOrg.map((o) => `${reps(o.reps)} ${formatInt(o.eventsPerDay)}`).join(', ')}; ` +
          `Enterprise allocation ${formatInt(ENTERPRISE_CDC_ALLOCATION)}${day.perOrg.length ? ` (${day.perOrg.map((o) => `${formatNumber(100 * o.shareOfEnterprise, 1)} %`).join(', ')})` : ''}`
      : `CDC events a day: ${NOT_RUN}`,
  );
  const calls = idle.repDayCalls;
  lines.push(
    calls
      ? `Salesforce API calls a rep a day (a realistic day: ${CHANGES_PER_REP_PER_DAY} changes a rep, half each side; read once): ${formatNumber(calls.perRepPerDay, 1)} = ` +
          `${formatNumber(calls.callsPerChange, 2)} a change × ${CHANGES_PER_REP_PER_DAY} + the idle ${formatInt(calls.orgReps)}-rep org's ${formatNumber(calls.idleCallsPerRepPerDay, 1)} a rep; ` +
          `orgs: ${calls.perOrg.map((o) => `${reps(o.reps)} ${formatInt(o.callsPerDay)} a day (${formatNumber(o.perRep, 1)} a rep, ${formatNumber(100 * o.shareOfEnterprise, 2)} % of Enterprise)`).join(', ')}`
      : `Salesforce API calls a rep a day: ${NOT_RUN}`,
  );
  return lines;
}

/** report.md: the run's settings and figures, and the two charts. */
export function reportMarkdown(results: BenchResults): string {
  const sections = [
    headerSection(results),
    settingsSection(results),
    importSection(results.imports),
    atRestSection(results.atRest),
    steadySection(results.steady),
    spreadSection(results.steadySpread),
    apiCallsSection(results.apiCalls),
    cpuSection(results.imports, results.steady),
    rssSection(results.rss),
    idleSection(results.idleOrgs),
    chartsSection(results),
  ];
  return `${sections.map((lines) => lines.join('\n')).join('\n\n')}\n`;
}

function postgresLine(pg: BenchResults['postgres']): string {
  const whose = pg.own ? "the benchmark's own server, as PostgreSQL ships" : "the machine's server";
  const vacuum = pg.autovacuum
    ? 'autovacuum on'
    : '**autovacuum off**: no table is vacuumed or analyzed during the run, so the queue tables bloat and plans go stale';
  return `PostgreSQL: ${pg.version}, ${whose} (${vacuum}).`;
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
    postgresLine(results.postgres),
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
    ['steadyRuns', formatInt(s.steadyRuns), 'benchmark: steady-state runs, one after the other'],
    ['replicas', formatInt(s.replicas), 'benchmark: processes of each Kafka consumer (START_REPLICAS)'],
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
    ...table(
      ['run', 'connections', 'tasks', 'seconds', 'tasks/s', 'ceiling records/s', 'record bytes', 'ratio'],
      rows,
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
    '',
    ...imports.map(
      (run) =>
        `- ${run.label} ceiling: ${formatInt(run.ceiling.records)} records of ${formatInt(run.ceiling.recordBytes)} bytes over ` +
        `${run.ceiling.partitions} partitions in ${formatNumber(run.ceiling.seconds, 2)} s.`,
    ),
  ];
}

/** The latency table of a phase: made, arrived and the percentiles, each direction. */
function latencyTable(latency: Record<(typeof DIRECTIONS)[number], LatencySummary>): string[] {
  const rows = DIRECTIONS.map((d) => {
    const l = latency[d];
    return [
      DIRECTION_NAMES[d],
      formatInt(l.made),
      formatInt(l.arrived),
      formatLatency(l.p50Ms),
      formatLatency(l.p95Ms),
      formatLatency(l.p99Ms),
      formatLatency(l.maxMs),
    ];
  });
  return table(['direction', 'made', 'arrived', 'p50', 'p95', 'p99', 'max'], rows, ['l', 'r', 'r', 'r', 'r', 'r', 'r']);
}

function atRestSection(atRest: AtRestResult | null): string[] {
  const heading = ['## Latency at rest', ''];
  if (!atRest) return [...heading, `${capitalize(NOT_RUN)} (\`--rest-changes 0\`).`];
  return [
    ...heading,
    `Salesforce read ${READ_MODE_NAMES[atRest.readMode]}. Before the steady state, in its org: ${formatInt(atRest.changesPerDirection)} changes a direction, ` +
      `half creates and half edits of imported tasks, made one at a time as the reps, the directions taking turns; each awaited on the other side, ` +
      `then ${formatNumber(atRest.gapMs / 1000, 1)} s for the sync's follow-ups, before the next. Latency as in the steady state: from the change's own entry in one sandbox's log ` +
      `(Salesforce's change log \`commitTimestamp\`, Sales Connect's feed \`occurredAt\`) to the sync's matching write in the other's. The phase took ${formatInt(atRest.seconds)} s.`,
    '',
    ...latencyTable(atRest.latency),
  ];
}

function steadySection(steady: SteadyResult | null): string[] {
  const heading = ['## Steady state', ''];
  if (!steady) return [...heading, `${capitalize(NOT_RUN)}.`];
  const kindRows = DIRECTIONS.map((d) => {
    const byKind = steady.madeByKind[d];
    const total = CHANGE_KINDS.reduce((sum, kind) => sum + byKind[kind], 0);
    return [DIRECTION_NAMES[d], ...CHANGE_KINDS.map((kind) => formatInt(byKind[kind])), formatInt(total)];
  });
  return [
    ...heading,
    `${steady.connections} connections; target ${formatNumber(steady.rate, 1)} changes/s both ways for ${formatInt(steady.durationSeconds)} s; ` +
      `achieved ${formatNumber(steady.achievedRate, 1)} changes/s. Salesforce read ${READ_MODE_NAMES[steady.readMode]}. Latency: from the change on one side to its arrival on the other.`,
    ...(steady.stream ? ['', streamSentence(steady.stream)] : []),
    '',
    ...latencyTable(steady.latency),
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
    .map(([endpoint, calls]) => [
      endpoint,
      formatInt(calls),
      totalCalls > 0 ? `${formatNumber((100 * calls) / totalCalls, 1)} %` : '–',
    ]);
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

function spreadValue(value: number | null, unit: SpreadFigure['unit']): string {
  if (value === null) return '–';
  if (unit === 'count') return formatInt(value);
  return unit === 'ms' ? formatLatency(value) : formatNumber(value, unit === 'calls' ? 1 : 2);
}

function spreadText(f: SpreadFigure): string {
  return `${spreadValue(f.min, f.unit)} / ${spreadValue(f.median, f.unit)} / ${spreadValue(f.max, f.unit)}`;
}

function spreadSection(spread: readonly SpreadFigure[] | null): string[] {
  const heading = ['## Steady state over its runs', ''];
  if (!spread || spread.length === 0) return [...heading, `${capitalize(NOT_RUN)}.`];
  const runs = spread[0].values.length;
  return [
    ...heading,
    `The steady state ran ${runs} time${runs === 1 ? '' : 's'}, one after the other on the same stack; the sections above show the run whose Salesforce → Sales Connect p99 ` +
      "is the median. Each figure of every run, and its min / median / max (the product's Salesforce calls by endpoint; CPU in ms a change):",
    '',
    ...table(
      ['figure', ...spread[0].values.map((_, i) => `run ${i + 1}`), 'min', 'median', 'max'],
      spread.map((f) => [
        f.name,
        ...f.values.map((v) => spreadValue(v, f.unit)),
        spreadValue(f.min, f.unit),
        spreadValue(f.median, f.unit),
        spreadValue(f.max, f.unit),
      ]),
      ['l', ...spread[0].values.map(() => 'r' as const), 'r', 'r', 'r'],
    ),
  ];
}

/** The processes the CPU figures name, in the order a reader looks for them: the product first, then what it runs on. */
const CPU_ORDER = [
  'connector-settings',
  'sfdc-ingest',
  'salesconnect-ingest',
  'reconciler',
  'salesforce-sandbox',
  'salesconnect-sandbox',
  'benchmark',
  'kafka broker',
  'postgresql',
];
/** A replica (`reconciler-2`) beside its first process. */
const cpuRank = (program: string): number => CPU_ORDER.indexOf(program.replace(/-\d+$/, '')) + 1 || 99;
const byCpuOrder = (figures: readonly CpuFigure[]): CpuFigure[] =>
  [...figures].sort((a, b) => cpuRank(a.program) - cpuRank(b.program) || a.program.localeCompare(b.program));

/** Every program's CPU per unit of work, summed: the whole machine's cost of one task or change. */
const msPerUnitOfAll = (figures: readonly CpuFigure[]): number => figures.reduce((sum, f) => sum + f.msPerUnit, 0);

function cpuSummaryLines(imports: readonly ImportResult[], steady: SteadyResult | null): string[] {
  const line = (what: string, unit: string, figures: readonly CpuFigure[]) =>
    `CPU ${what}: ${byCpuOrder(figures)
      .map((f) => `${f.program} ${formatNumber(f.msPerUnit, 2)}`)
      .join(', ')}; all together ${formatNumber(msPerUnitOfAll(figures), 2)} ms ${unit}`;
  return [
    ...imports.filter((run) => run.cpu.length > 0).map((run) => line(`import ${run.label}`, 'a task', run.cpu)),
    ...(steady && steady.cpu.length > 0 ? [line('steady state', 'a change', steady.cpu)] : []),
  ];
}

function cpuSection(imports: readonly ImportResult[], steady: SteadyResult | null): string[] {
  const heading = ['## CPU per task and per change', ''];
  const phases = [
    ...imports.map((run) => ({ name: `import ${run.label}`, unit: 'task', figures: run.cpu })),
    ...(steady ? [{ name: 'steady state', unit: 'change', figures: steady.cpu }] : []),
  ].filter((phase) => phase.figures.length > 0);
  if (phases.length === 0) return [...heading, 'Not measured.'];
  const programs = byCpuOrder(
    phases.flatMap((phase) => phase.figures).filter((f, i, all) => all.findIndex((g) => g.program === f.program) === i),
  ).map((f) => f.program);
  const rows = programs.map((program) => [
    program,
    ...phases.flatMap((phase) => {
      const figure = phase.figures.find((f) => f.program === program);
      return figure ? [formatNumber(figure.cpuMs / 1000, 1), formatNumber(figure.msPerUnit, 2)] : ['–', '–'];
    }),
  ]);
  const total = [
    '**all together**',
    ...phases.flatMap((phase) => {
      const cpuMs = phase.figures.reduce((sum, f) => sum + f.cpuMs, 0);
      return [formatNumber(cpuMs / 1000, 1), `**${formatNumber(msPerUnitOfAll(phase.figures), 2)}**`];
    }),
  ];
  return [
    ...heading,
    'User + system CPU of each process (/proc/<pid>/stat), from the Save (import) or the first change (steady state) until the processes are quiet after the last arrival ' +
      "(together no busier over a second than idle, measured just before, plus 5 % of a core), so the echoes and follow-up writes count; per imported task and per change made. Everything shares the machine's cores. " +
      "Beside the product and the sandboxes: the benchmark itself (it makes the reps' changes and reads the sandboxes' logs), the Kafka broker, and PostgreSQL (its postmaster's whole tree, backends that exited during the phase included; every database on the server counts)." +
      (steady && steady.cpu.length > 0
        ? ` At the steady state's ${formatNumber(steady.rate, 0)} changes a second, its ${formatNumber(msPerUnitOfAll(steady.cpu), 2)} ms a change in all keep ${formatNumber((steady.rate * msPerUnitOfAll(steady.cpu)) / 1000, 2)} cores busy.`
        : ''),
    '',
    ...table(
      ['program', ...phases.flatMap((phase) => [`${phase.name} CPU s`, `ms a ${phase.unit}`])],
      [...rows, total],
      ['l', ...phases.flatMap(() => ['r', 'r'] as const)],
    ),
  ];
}

function rssSection(rss: readonly RssResult[]): string[] {
  const heading = ['## Peak RSS', ''];
  if (rss.length === 0) return [...heading, 'Not measured.'];
  return [
    ...heading,
    'VmHWM of each process at the end of the run, and the phase by whose end it had been reached (VmHWM read after each).',
    '',
    ...table(
      ['program', 'pid', 'peak MiB', 'reached in'],
      rss.map((r) => [r.program, String(r.pid), formatNumber(r.peakMiB, 1), r.reachedIn ?? '']),
      ['l', 'r', 'r', 'l'],
    ),
  ];
}

function idleSection(idle: IdleOrgsResult | null): string[] {
  const heading = ['## Idle org: Salesforce API calls a day', ''];
  if (!idle) return [...heading, `${capitalize(NOT_RUN)}.`];
  const byReps = (mode: IdleMode, n: number): IdleOrgRun | undefined =>
    idle.runs.find((r) => r.mode === mode && r.reps === n);
  const summaryRows = idle.reps.map((n) => {
    const once = byReps('org-reads', n);
    const perRep = byReps('per-rep', n);
    const allocation = 100_000 + 1_000 * n;
    const share = (run: IdleOrgRun | undefined) =>
      run ? `${formatNumber((100 * run.perDay) / allocation, 2)} %` : '–';
    return [
      formatInt(n),
      once ? formatInt(once.perDay) : '–',
      perRep ? formatInt(perRep.perDay) : '–',
      perRep ? formatInt(perRep.perDay / n) : '–',
      formatInt(allocation),
      share(once),
      share(perRep),
    ];
  });
  const cadenceRows = (Object.keys(ACTIVITY_CADENCE) as (keyof typeof ACTIVITY_CADENCE)[]).map((activity) => {
    const { variable, intervalMs } = ACTIVITY_CADENCE[activity];
    const perDay = DAY_MS / intervalMs(idle.defaultCadence);
    return [
      ACTIVITY_NAMES[activity],
      variable,
      `${formatNumber(intervalMs(idle.testCadence) / 1000, 1)} s`,
      `${formatNumber(intervalMs(idle.defaultCadence) / 1000, 0)} s`,
      `${formatNumber(perDay, 0)}${activity.startsWith('rep-') ? ' a rep' : ''}`,
    ];
  });
  const endpointRows = idle.runs.flatMap((run) =>
    run.endpoints.map((e) => [
      formatInt(run.reps),
      run.mode,
      e.endpoint,
      ACTIVITY_NAMES[e.activity],
      formatInt(e.calls),
      formatInt(e.cycles),
      e.scaledBy === 'cadence' && e.cycles > 0 ? formatNumber(e.calls / e.cycles, 2) : '–',
      e.scaledBy === 'cadence' && e.cyclesPerDay !== null
        ? formatNumber(e.cyclesPerDay, 0)
        : `window: × 86,400 s ÷ ${formatNumber(run.windowSeconds, 1)} s`,
      formatInt(e.perDay),
    ]),
  );
  const notes = idle.runs.flatMap((run) => run.notes.map((note) => `- ${run.mode}, ${reps(run.reps)}: ${note}.`));
  return [
    ...heading,
    'An org with N connected reps, imported and idle (no task changes), measured twice on a stack of its own with shortened intervals: first read per rep (no reader; ' +
      "every rep's polls backed off to POLL_IDLE_MAX_INTERVAL_MS before the window), then read once (an admin connected the org's reader, an integration user with View All Data; " +
      'the window starts once the org is read once and its CDC stream streams). The calls are every REST call the Salesforce sandbox counted for the org in the window; ' +
      'OAuth token calls are left out (Salesforce does not count them) and so is the CDC stream (CometD delivery is not an API request).',
    '',
    `Scaled to a day at the services' default intervals: ${IDLE_FORMULA}. The cycles in the window are what the services' own state recorded ` +
      "(`sfdc_org_poll.last_polled_at` and `audited_at`, `org_reader.preflight_at`, each rep's `sfdc_sync_state.next_run_at` and `audited_at`).",
    '',
    ...table(
      [
        'reps',
        'read once: calls a day',
        'read per rep: calls a day',
        'read per rep: a rep',
        'Enterprise allocation (100,000 + 1,000 × reps)',
        'read once: share',
        'read per rep: share',
      ],
      summaryRows,
      ['r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
    '',
    `Issue 20 asks that an idle org read once costs at most ${ORG_READS_TARGET_PER_DAY} read calls a day, whatever its reps: ` +
      `${idle.runs.filter((r) => r.mode === 'org-reads').every((r) => r.perDay <= ORG_READS_TARGET_PER_DAY) ? 'met' : 'not met'}.`,
    '',
    'Cadences: the window ran with the test interval, the day is scaled to the default one.',
    '',
    ...table(['activity', 'set by', 'test interval', 'default interval', 'cycles a day at the default'], cadenceRows, [
      'l',
      'l',
      'r',
      'r',
      'r',
    ]),
    '',
    'Calls by endpoint:',
    '',
    ...(endpointRows.length > 0
      ? table(
          [
            'reps',
            'mode',
            'endpoint',
            'activity',
            'calls in window',
            'cycles in window',
            'calls a cycle',
            'cycles a day',
            'calls a day',
          ],
          endpointRows,
          ['r', 'l', 'l', 'l', 'r', 'r', 'r', 'r', 'r'],
        )
      : ['None.']),
    '',
    'Windows:',
    '',
    ...table(
      ['reps', 'mode', 'window'],
      idle.runs.map((r) => [formatInt(r.reps), r.mode, `${formatNumber(r.windowSeconds, 1)} s`]),
      ['r', 'l', 'r'],
    ),
    ...(notes.length > 0 ? ['', ...notes] : []),
    '',
    ...cdcDaySection(idle.cdcDay),
    '',
    ...repDayCallsSection(idle.repDayCalls),
    '',
    `The phase took ${formatInt(idle.seconds)} s, its stack's start and stop included.`,
  ];
}

function cdcDaySection(day: CdcDayResult | null): string[] {
  const heading = ['### CDC events a day, for a realistic day', ''];
  if (!day) return [...heading, `${capitalize(NOT_RUN)}.`];
  const rows = day.perOrg.map((o) => [
    formatInt(o.reps),
    formatInt(o.eventsPerDay),
    ...CDC_DAILY_ALLOCATIONS.map((a) => `${formatNumber((100 * o.eventsPerDay) / a.events, 1)} %`),
  ]);
  return [
    ...heading,
    `A realistic day: each rep makes ${CHANGES_PER_REP_PER_DAY} changes, half in Salesforce, half in Sales Connect. In the ${formatInt(day.orgReps)}-rep org, read once, ` +
      `${formatInt(day.sampledReps)} reps made ${formatInt(day.changes.salesforce)} changes in Salesforce and ${formatInt(day.changes.salesConnect)} in Sales Connect ` +
      '(30 % creates, 40 % edits, 20 % completes, 10 % deletes; one change a side and rep a round, each round waiting until its changes arrived on the other side); ' +
      `the org's stream delivered ${formatInt(day.eventsDelivered)} events for them (the reps' changes, the sync's writes into Salesforce and what follows them) ` +
      `in ${formatNumber(day.seconds, 1)} s: ${formatNumber(day.eventsPerChange, 2)} a change, so ${formatNumber(day.perRepPerDay, 1)} a rep a day ` +
      `(events a change × ${CHANGES_PER_REP_PER_DAY}). The allocation is the org's, for every subscriber and high-volume platform event together.`,
    '',
    ...table(
      ['reps', 'events a day', ...CDC_DAILY_ALLOCATIONS.map((a) => `share of ${a.edition} (${formatInt(a.events)})`)],
      rows,
      ['r', 'r', 'r', 'r', 'r'],
    ),
  ];
}

function repDayCallsSection(calls: RepDayCallsResult | null): string[] {
  const heading = ['### Salesforce API calls a rep a day, for a realistic day', ''];
  if (!calls) return [...heading, `${capitalize(NOT_RUN)}.`];
  const rows = calls.perOrg.map((o) => [
    formatInt(o.reps),
    formatInt(o.callsPerDay),
    formatNumber(o.perRep, 1),
    formatInt(enterpriseApiAllocation(o.reps)),
    `${formatNumber(100 * o.shareOfEnterprise, 2)} %`,
  ]);
  return [
    ...heading,
    `The same realistic day, read once: calls a rep a day = calls a change × ${CHANGES_PER_REP_PER_DAY} + the idle org's calls a day (read once) ÷ its reps ` +
      `= ${formatNumber(calls.callsPerChange, 2)} × ${CHANGES_PER_REP_PER_DAY} + ${formatNumber(calls.idleCallsPerRepPerDay, 1)} = **${formatNumber(calls.perRepPerDay, 1)}**. ` +
      `Calls a change: the product's REST calls of the ${formatInt(calls.orgReps)}-rep org while the sample above was made and synced (${formatInt(calls.callsInSample)}; ` +
      `the benchmark's own calls as the reps and OAuth token calls left out), less what the org's periodic work spent meanwhile ` +
      `(${formatNumber(calls.periodicCallsInSample, 1)}: its polls, getDeleted runs and preflights in the sample, as the services' state recorded them, × their calls a cycle in the idle window), ` +
      `÷ ${formatInt(calls.changes)} changes. An org: its idle calls a day + reps × ${formatNumber(calls.changeCallsPerRepPerDay, 1)}.`,
    '',
    ...table(
      [
        'reps',
        'calls a day',
        'a rep',
        "Enterprise allocation (100,000 + 1,000 a licence, the reader's included)",
        'share',
      ],
      rows,
      ['r', 'r', 'r', 'r', 'r'],
    ),
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
function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly ('l' | 'r')[],
): string[] {
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), `|${align.map((a) => (a === 'r' ? '---:' : ':---')).join('|')}|`, ...rows.map(line)];
}

function capitalize(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}
