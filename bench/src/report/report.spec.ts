import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downsample, latencyChart, MAX_POINTS, spreadLabels, throughputChart } from './charts';
import { formatInt, formatLatency, formatNumber, formatRatio } from './format';
import { PNG_SIGNATURE, renderChartPng, type ChartSpec } from './render-chart';
import { reportMarkdown, summaryLines, writeReport } from './report';
import { cdcDay } from './cdc-day';
import { DEFAULT_CADENCE, idleTestCadence, scaleIdleCalls, type IdleActivity, type IdleMode } from './idle-calls';
import { repDayCalls } from './rep-day-calls';
import { steadySpread } from './spread';
import type {
  ApiCallsResult,
  AtRestResult,
  BenchResults,
  Direction,
  IdleOrgRun,
  IdleOrgsResult,
  ImportResult,
  SteadyResult,
} from './results';
import { percentile, perSecond, summarizeLatency } from './stats';

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
/** Two decimals, or two significant digits for ratios under 0.1 (where two decimals would flatten 0.0053 to 0.01). */
const ratioText = (ratio: number): string => (ratio < 0.1 ? ratio.toPrecision(2) : ratio.toFixed(2));
/** Every unit spec (one mark) of a chart, through its layers and panels. */
function marksOf(spec: ChartSpec): ChartSpec[] {
  const children = [
    ...((spec['layer'] as ChartSpec[] | undefined) ?? []),
    ...((spec['vconcat'] as ChartSpec[] | undefined) ?? []),
  ];
  return spec['mark'] ? [spec] : children.flatMap(marksOf);
}
const markType = (unit: ChartSpec): string => (unit['mark'] as { type: string }).type;
const valuesOf = (unit: ChartSpec): Record<string, unknown>[] =>
  (unit['data'] as { values: Record<string, unknown>[] }).values;
const ofType = (spec: ChartSpec, type: string): ChartSpec[] => marksOf(spec).filter((unit) => markType(unit) === type);
const textsOf = (spec: ChartSpec): string[] =>
  ofType(spec, 'text').flatMap((unit) => valuesOf(unit).map((v) => String(v['label'] ?? v['text'])));
/** The width and height a PNG's IHDR chunk declares. */
const pngSize = (png: Buffer) => ({ width: png.readUInt32BE(16), height: png.readUInt32BE(20) });

/** n samples alternating direction, spread over the run, latencies cycling deterministically. */
function samples(n: number, durationSeconds = 60): SteadyResult['samples'] {
  const directions: Direction[] = ['salesforce→salesconnect', 'salesconnect→salesforce'];
  return Array.from({ length: n }, (_, i) => ({
    atMs: Math.floor((i * durationSeconds * 1000) / n),
    direction: directions[i % 2],
    kind: 'edit' as const,
    latencyMs: 400 + ((i * 7919) % 2600),
  }));
}

function importRun(
  label: string,
  connections: number,
  tasks: number,
  seconds: number,
  ceilingRate: number,
): ImportResult {
  const tasksPerSecond = tasks / seconds;
  return {
    label,
    connections,
    tasks,
    seconds,
    tasksPerSecond,
    arrivalsMs: range(0, tasks - 1).map((i) => Math.floor((i * seconds * 1000) / tasks)),
    ceiling: {
      records: 50_000,
      recordBytes: 612,
      partitions: 12,
      seconds: 50_000 / ceilingRate,
      recordsPerSecond: ceilingRate,
    },
    ratioToCeiling: tasksPerSecond / ceilingRate,
    cpu: [
      { program: 'salesconnect-sandbox', cpuMs: tasks * 3, msPerUnit: 3 },
      { program: 'reconciler', cpuMs: tasks * 2.5, msPerUnit: 2.5 },
    ],
  };
}

function steadyRun(sampleCount = 500): SteadyResult {
  return {
    readMode: 'stream',
    connections: 4,
    rate: 20,
    durationSeconds: 60,
    achievedRate: 19.6,
    madeByKind: {
      'salesforce→salesconnect': { create: 120, edit: 300, complete: 90, delete: 78 },
      'salesconnect→salesforce': { create: 110, edit: 310, complete: 85, delete: 83 },
    },
    latency: {
      'salesforce→salesconnect': { made: 588, arrived: 587, p50Ms: 1234, p95Ms: 2875, p99Ms: 3412, maxMs: 4020 },
      'salesconnect→salesforce': { made: 588, arrived: 588, p50Ms: 640, p95Ms: 1490, p99Ms: 2200, maxMs: 2950 },
    },
    samples: samples(sampleCount),
    cpu: [
      { program: 'sfdc-ingest', cpuMs: 4_116, msPerUnit: 3.5 },
      { program: 'reconciler', cpuMs: 9_408, msPerUnit: 8 },
    ],
  };
}

/** 30 changes a direction, one at a time; three Sales Connect → Salesforce changes did not arrive. */
function atRest(): AtRestResult {
  const latencies = range(1, 30).map((i) => 500 + 20 * i);
  return {
    readMode: 'stream',
    changesPerDirection: 30,
    gapMs: 1000,
    latency: {
      'salesforce→salesconnect': summarizeLatency(30, latencies),
      'salesconnect→salesforce': summarizeLatency(
        30,
        latencies.slice(0, 27).map((l) => l * 4),
      ),
    },
    samples: [],
    seconds: 95.2,
  };
}

function apiCalls(): ApiCallsResult {
  return {
    changesPropagated: 1175,
    productCalls: 431,
    byEndpoint: { 'GET /query': 301, 'PATCH /sobjects/Task': 97, 'POST /composite/sobjects': 33 },
    floor: { writes: 588, recordsRead: 1176, polls: 240, calls: 247 },
    callsPer1000: 366.8085,
    floorPer1000: 210.2128,
    ratioToFloor: 431 / 247,
  };
}

function benchResults(overrides: Partial<BenchResults> = {}): BenchResults {
  return {
    startedAt: '2026-03-14T09:26:53.000Z',
    finishedAt: '2026-03-14T09:51:10.000Z',
    command: 'npm run bench -- --tasks 3000 --connections 5 --rate 20 --duration 60',
    machine: { cpus: 2, cpuModel: 'Test CPU @ 2.10GHz', memoryGiB: 7.75, node: 'v20.19.0', platform: 'linux' },
    postgres: { version: '15.20', own: true, autovacuum: true },
    settings: { tasks: 3000, connections: 5, rate: 20, durationSeconds: 60, steadyRuns: 3, replicas: 1 },
    serviceSettings: { SFDC_POLL_INTERVAL_MS: '5000', KAFKA_PARTITIONS: '12' },
    imports: [importRun('one connection', 1, 3000, 12.5, 45_000), importRun('five connections', 5, 3000, 8, 47_300)],
    atRest: atRest(),
    steady: steadyRun(),
    apiCalls: apiCalls(),
    steadySpread: steadySpread(
      [3412, 2950, 4100].map((p99, i) => {
        const run = steadyRun(10);
        run.latency['salesforce→salesconnect'].p99Ms = p99;
        run.cpu = [{ program: 'reconciler', cpuMs: 1000, msPerUnit: 8 + i }];
        const calls = apiCalls();
        // The second run's queries: a poll fell in it.
        const byEndpoint = { ...calls.byEndpoint, 'GET /query': i === 1 ? 400 : 300 };
        return { steady: run, apiCalls: { ...calls, byEndpoint, callsPer1000: 20 + 5 * i } };
      }),
    ),
    rss: [
      { program: 'reconciler', pid: 4242, peakMiB: 187.34, reachedIn: 'import, 20 connections' },
      { program: 'sfdc-ingest', pid: 4243, peakMiB: 142.06 },
    ],
    idleOrgs: idleOrgs(),
    ...overrides,
  };
}

const NO_CYCLES: Record<IdleActivity, number> = {
  'org-poll': 0,
  'org-getDeleted': 0,
  preflight: 0,
  'rep-poll': 0,
  'rep-getDeleted': 0,
  other: 0,
};

function idleRun(
  mode: IdleMode,
  reps: number,
  windowSeconds: number,
  calls: Record<string, number>,
  cycles: Partial<Record<IdleActivity, number>>,
  notes: string[] = [],
): IdleOrgRun {
  const scaled = scaleIdleCalls({ mode, reps, windowMs: windowSeconds * 1000, calls, cycles });
  return {
    reps,
    mode,
    orgId: `00D00000000000${reps}`,
    windowSeconds,
    cycles: { ...NO_CYCLES, ...cycles },
    endpoints: scaled.endpoints,
    callsInWindow: Object.values(calls).reduce((a, b) => a + b, 0),
    perDay: scaled.perDay,
    notes,
  };
}

/** An idle-org phase with 1 and 100 reps: read once costs 288 + 24 + 72 = 384 a day, read per rep 432 a rep. */
function idleOrgs(): IdleOrgsResult {
  const preflight = { 'GET query': 2, 'GET tooling/query': 2, 'GET sobjects/Task/describe': 2 };
  const orgReads = [
    idleRun(
      'org-reads',
      1,
      31.5,
      { 'GET queryAll': 7, 'GET sobjects/Task/deleted': 2, ...preflight },
      { 'org-poll': 7, 'org-getDeleted': 2, preflight: 2 },
    ),
    idleRun(
      'org-reads',
      100,
      30.2,
      { 'GET queryAll': 6, 'GET sobjects/Task/deleted': 2, ...preflight, 'GET limits': 1 },
      { 'org-poll': 6, 'org-getDeleted': 2, preflight: 2 },
      ['the stream was not streaming throughout the window'],
    ),
  ];
  return {
    reps: [1, 100],
    testCadence: idleTestCadence(101),
    defaultCadence: DEFAULT_CADENCE,
    runs: [
      ...orgReads,
      idleRun(
        'per-rep',
        1,
        9.4,
        { 'GET queryAll': 3, 'GET sobjects/Task/deleted': 1 },
        { 'rep-poll': 3, 'rep-getDeleted': 1 },
      ),
      idleRun(
        'per-rep',
        100,
        10.1,
        { 'GET queryAll': 300, 'GET sobjects/Task/deleted': 150 },
        { 'rep-poll': 300, 'rep-getDeleted': 150 },
      ),
    ],
    cdcDay: cdcDay(
      {
        orgReps: 100,
        sampledReps: 10,
        changes: { salesforce: 100, salesConnect: 100 },
        eventsDelivered: 230,
        seconds: 41.6,
      },
      [1, 100],
    ),
    // 234 calls in the sample, 12 + 4 + 6 × 3 = 34 of them periodic: 1 a change, 40 a rep a day, beside the 100-rep org's 3,245 idle calls a day.
    repDayCalls: repDayCalls({
      orgReps: 100,
      changes: 200,
      callsInSample: 234,
      cyclesInSample: { 'org-poll': 12, 'org-getDeleted': 4, preflight: 6 },
      idle: orgReads[1],
      idleOrgs: orgReads,
    }),
    seconds: 312.4,
  };
}

/** The text of one `## heading` section of report.md. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`## ${heading}\n`);
  if (start < 0) throw new Error(`no section ${heading}`);
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, end < 0 ? undefined : end);
}

describe('percentile (nearest rank)', () => {
  it.each([
    [range(1, 100), 99, 99],
    [range(1, 100), 50, 50],
    [range(1, 100), 95, 95],
    [range(1, 100), 7, 7], // 7 / 100 * 100 is 7.000000000000001 in floating point
    [range(1, 100), 100, 100],
    [range(1, 100), 0, 1],
    [[1, 2, 3, 4], 50, 2],
    [[1, 2, 3, 4], 51, 3],
    [range(1, 10), 95, 10],
    [[42], 1, 42],
  ])('of %j at p%d is %d', (values, p, expected) => {
    expect(percentile(values, p)).toBe(expected);
  });

  it('is null for no values', () => {
    expect(percentile([], 50)).toBeNull();
  });

  it.each([-1, 101, Number.NaN])('rejects p = %d', (p) => {
    expect(() => percentile([1, 2], p)).toThrow(RangeError);
  });
});

describe('summarizeLatency', () => {
  it('sorts a copy and reports made, arrived, p50/p95/p99 and max', () => {
    const latencies = [900, 100, 500, 300, 700];
    expect(summarizeLatency(8, latencies)).toEqual({
      made: 8,
      arrived: 5,
      p50Ms: 500,
      p95Ms: 900,
      p99Ms: 900,
      maxMs: 900,
    });
    expect(latencies).toEqual([900, 100, 500, 300, 700]);
  });

  it('gives p99 of 1..100 ms as 99 ms', () => {
    expect(summarizeLatency(100, range(1, 100).reverse())).toMatchObject({
      arrived: 100,
      p50Ms: 50,
      p95Ms: 95,
      p99Ms: 99,
      maxMs: 100,
    });
  });

  it('has null figures when nothing arrived', () => {
    expect(summarizeLatency(3, [])).toEqual({
      made: 3,
      arrived: 0,
      p50Ms: null,
      p95Ms: null,
      p99Ms: null,
      maxMs: null,
    });
  });
});

describe('perSecond', () => {
  it('counts per second from 0, empty seconds included, whatever the input order', () => {
    const expected = [
      { atMs: 0, count: 2 },
      { atMs: 1000, count: 1 },
      { atMs: 2000, count: 2 },
      { atMs: 3000, count: 0 },
      { atMs: 4000, count: 0 },
      { atMs: 5000, count: 1 },
    ];
    expect(perSecond([0, 999, 1000, 2500, 2999.9, 5000])).toEqual(expected);
    expect(perSecond([5000, 2500, 0, 2999.9, 1000, 999])).toEqual(expected);
  });

  it('starts at 0 even when the first event is late, and honours bucketMs', () => {
    expect(perSecond([1200, 1300, 1600], 500)).toEqual([
      { atMs: 0, count: 0 },
      { atMs: 500, count: 0 },
      { atMs: 1000, count: 2 },
      { atMs: 1500, count: 1 },
    ]);
  });

  it('keeps every event and copes with 200,000 of them', () => {
    const times = range(0, 199_999).map((i) => i * 3);
    const buckets = perSecond(times);
    expect(buckets.reduce((sum, b) => sum + b.count, 0)).toBe(200_000);
    expect(buckets).toHaveLength(600);
  });

  it('is empty for no events and rejects a bucket of 0', () => {
    expect(perSecond([])).toEqual([]);
    expect(() => perSecond([1], 0)).toThrow(RangeError);
  });
});

describe('format helpers', () => {
  it.each([
    [1234567.891, 2, '1,234,567.89'],
    [999.5, 0, '1,000'],
    [-0.004, 2, '0.00'],
    [-12345, 0, '-12,345'],
  ])('formatNumber(%d, %d) is %s', (value, decimals, expected) => {
    expect(formatNumber(value, decimals)).toBe(expected);
  });

  it.each([
    [0.4237, '0.42'],
    [1.746, '1.75'],
    [0.005333, '0.0053'],
    [0, '0.00'],
  ])('formatRatio(%d) is %s', (ratio, expected) => {
    expect(formatRatio(ratio)).toBe(expected);
  });

  it.each([
    [null, '–'],
    [850.4, '850 ms'],
    [999.6, '1.00 s'],
    [1234, '1.23 s'],
  ])('formatLatency(%p) is %s', (ms, expected) => {
    expect(formatLatency(ms)).toBe(expected);
  });
});

describe('latencyChart', () => {
  it("plots one point per sample, coloured by direction, with each direction's p50 and p95 as labelled dashed rules", () => {
    const steady = steadyRun(500);
    const spec = latencyChart(steady);
    const [points] = ofType(spec, 'circle');
    expect(valuesOf(points)).toHaveLength(500);
    expect(new Set(valuesOf(points).map((v) => v['series'])).size).toBe(2);
    const rules = ofType(spec, 'rule');
    expect(rules.map((r) => (r['mark'] as { strokeDash: number[] }).strokeDash)).toEqual([
      [8, 5],
      [2, 4],
      [8, 5],
      [2, 4],
    ]);
    expect(textsOf(spec)).toEqual(
      expect.arrayContaining([
        'Salesforce → Sales Connect p50 1.23 s',
        'Sales Connect → Salesforce p50 640 ms',
        'Salesforce → Sales Connect p95 2.88 s',
      ]),
    );
    expect(JSON.stringify(spec)).not.toMatch(/"url"|href/);
  });

  it(`thins more than ${MAX_POINTS} samples to ${MAX_POINTS} points, the same way every time`, () => {
    const steady = steadyRun(10_000);
    const spec = latencyChart(steady);
    expect(valuesOf(ofType(spec, 'circle')[0])).toHaveLength(MAX_POINTS);
    expect(latencyChart(steady)).toEqual(spec);
    expect(JSON.stringify(spec)).toContain(`${formatInt(MAX_POINTS)} of ${formatInt(10_000)} points drawn`);
  });

  it('still has axes with no samples', () => {
    const spec = latencyChart({ ...steadyRun(0), connections: 1 });
    expect(valuesOf(ofType(spec, 'circle')[0])).toHaveLength(0);
    const x = (ofType(spec, 'circle')[0]['encoding'] as { x: { scale: { domain: number[] } } }).x;
    expect(x.scale.domain).toEqual([0, 60]);
  });
});

describe('throughputChart', () => {
  it('draws one line and one dashed "kafkajs ceiling" rule per import run, on a log axis when the ceiling dwarfs them', () => {
    const results = benchResults();
    const spec = throughputChart(results.imports, null);
    const [lines] = ofType(spec, 'line');
    expect(new Set(valuesOf(lines).map((v) => v['series'])).size).toBe(2);
    expect(ofType(spec, 'rule')).toHaveLength(2);
    expect(textsOf(spec)).toEqual(
      expect.arrayContaining([
        'kafkajs ceiling (one connection): 45,000 records/s',
        'kafkajs ceiling (five connections): 47,300 records/s',
      ]),
    );
    expect(spec['vconcat']).toHaveLength(1);
    // 240 tasks/s against a 45,000 records/s ceiling: a linear axis would flatten the import lines.
    const y = (lines['encoding'] as { y: { title: string; scale: { type?: string } } }).y;
    expect(y.title).toContain('(log scale)');
    expect(y.scale.type).toBe('symlog');
  });

  it('adds the steady-state panel below when the steady state ran', () => {
    const results = benchResults();
    const spec = throughputChart(results.imports, results.steady);
    expect(spec['vconcat']).toHaveLength(2);
    const steadyLines = ofType((spec['vconcat'] as ChartSpec[])[1], 'line')[0];
    expect(new Set(valuesOf(steadyLines).map((v) => v['series']))).toEqual(
      new Set(['Salesforce → Sales Connect', 'Sales Connect → Salesforce', 'both directions']),
    );
    expect(textsOf(spec)).toContain('changes made per second, both ways: 19.6');
  });

  it('uses a linear axis when the ceiling is near the data, and says when the import did not run', () => {
    const near = throughputChart([importRun('close', 1, 3000, 10, 400)], null);
    expect(JSON.stringify(near)).not.toContain('log scale');
    expect(textsOf(throughputChart([], steadyRun()))).toContain('initial import not run');
  });
});

describe('chart helpers', () => {
  it('downsample keeps at most max items, evenly strided from the first', () => {
    const items = range(0, 9999);
    const thinned = downsample(items, 4000);
    expect(thinned).toHaveLength(4000);
    expect(thinned[0]).toBe(0);
    expect(thinned[1]).toBe(2);
    expect(new Set(thinned).size).toBe(4000);
    expect(downsample([1, 2, 3], 4000)).toEqual([1, 2, 3]);
  });

  it('spreadLabels pushes close labels apart, keeps their order and stays in bounds', () => {
    const placed = spreadLabels([100, 102, 300, 104], 15, 10, 390);
    expect(placed[1] - placed[0]).toBeGreaterThanOrEqual(15);
    expect(placed[3] - placed[1]).toBeGreaterThanOrEqual(15);
    expect(placed[2]).toBe(300);
    const atBottom = spreadLabels([389, 390], 15, 10, 390);
    expect(atBottom).toEqual([375, 390]);
  });
});

describe('summaryLines', () => {
  it('prints every figure of the run, one line each', () => {
    const results = benchResults();
    const lines = summaryLines(results);
    const text = lines.join('\n');
    for (const run of results.imports) {
      const line = lines.find((l) => l.includes(run.label));
      expect(line).toBeDefined();
      expect(line).toContain(`${run.tasksPerSecond.toFixed(1)} tasks/s`);
      expect(line).toContain(`ratio ${ratioText(run.ratioToCeiling)}`);
    }
    expect(text).toContain('45,000 records/s');
    expect(text).toContain('p50 1.23 s, p95 2.88 s, p99 3.41 s (587 arrived of 588 made)');
    expect(text).toContain('p50 640 ms, p95 1.49 s, p99 2.20 s (588 arrived of 588 made)');
    expect(text).toContain('366.8 per 1,000 changes vs floor 210.2');
    expect(text).toContain(`ratio ${(431 / 247).toFixed(2)}`);
    expect(text).toContain('peak RSS reconciler: 187.3 MiB (reached in import, 20 connections)');
    expect(lines).toContain('peak RSS sfdc-ingest: 142.1 MiB'); // no phase known: none named
    // The product's services first, then the sandboxes, whatever order /proc was read in.
    expect(text).toContain(
      'CPU import one connection: reconciler 2.50, salesconnect-sandbox 3.00; all together 5.50 ms a task',
    );
    expect(text).toContain('CPU steady state: sfdc-ingest 3.50, reconciler 8.00; all together 11.50 ms a change');
    // Over three runs: the min / median / max of each latency percentile each way, the calls per 1,000 and the CPU per change.
    expect(text).toContain('steady state over 3 runs, min / median / max:');
    expect(text).toContain('  salesforce→salesconnect p99: 2.95 s / 3.41 s / 4.10 s');
    expect(text).toContain('  Salesforce calls per 1,000 changes: 20.0 / 25.0 / 30.0');
    expect(text).toContain('  reconciler CPU per change: 8.00 / 9.00 / 10.00');
    // And the calls by endpoint, the run with more of them included.
    expect(text).toContain('  calls: GET /query: 300 / 300 / 400');
    expect(text).toContain('  calls: PATCH /sobjects/Task: 97 / 97 / 97');
    expect(lines).toHaveLength(2 + 3 + 3 + 1 + 1 + 6 + 1 + 3 + 1 + 3 + 2 + 2 + 4 + 1 + 1 + 1);
  });

  it('prints the idle org calls a day for each mode and number of reps, against the target, with the sum that makes each', () => {
    const lines = summaryLines(benchResults());
    const once = 72 + 24 + 288;
    const limits = (86_400 / 30.2) * 1;
    expect(lines).toContain(
      `idle org API calls a day, read once (reader: CDC stream + safety-net org poll + preflight): 1 rep ${once}, 100 reps ${formatInt(once + limits)}; issue 20 asks at most 350: not met`,
    );
    expect(lines).toContain(
      'idle org API calls a day, read per rep (no reader: idle polls backed off): 1 rep 432, 100 reps 43,200 (432 a rep)',
    );
    expect(lines).toContain(
      `  org-reads 1 rep: ${once} = org poll 7 calls ÷ 7 cycles × 288 a day = 288 + org getDeleted 2 calls ÷ 2 cycles × 24 a day = 24 + reader's preflight 6 calls ÷ 2 cycles × 24 a day = 72 (window 31.5 s)`,
    );
    expect(lines.find((l) => l.startsWith('  org-reads 100 reps:'))).toContain(
      `other 1 calls × 86,400 s ÷ 30.2 s = ${formatInt(limits)} (no cadence: the window's rate)`,
    );
    expect(lines).toContain(
      '  per-rep 100 reps: 43,200 = rep polls 300 calls ÷ 300 cycles × 28,800 a day = 28,800 + rep getDeleted 150 calls ÷ 150 cycles × 14,400 a day = 14,400 (window 10.1 s)',
    );
    expect(lines).toContain(
      '  calls a day = Σ endpoints: calls in window ÷ cycles in window × cycles a day at the default intervals',
    );
    expect(lines).toContain(
      'CDC events a day (a realistic day: 40 changes a rep, half each side): 1.15 delivered a change = 46 a rep; 1 rep 46, 100 reps 4,600; Enterprise allocation 25,000 (0.2 %, 18.4 %)',
    );
  });

  it('prints the latency at rest and under load with the read mode each ran in', () => {
    const lines = summaryLines(benchResults());
    expect(lines).toContain(
      "latency at rest: one change at a time, 30 a direction; Salesforce read once, by the org's change stream (its reader connected by an admin; safety-net org poll)",
    );
    expect(lines).toContain(
      'at rest salesforce→salesconnect: p50 800 ms, p95 1.08 s, p99 1.10 s (30 arrived of 30 made)',
    );
    expect(lines).toContain(
      'at rest salesconnect→salesforce: p50 3.12 s, p95 4.08 s, p99 4.16 s (27 arrived of 30 made)',
    );
    expect(lines).toContain(
      "steady state: 20.0 changes/s; Salesforce read once, by the org's change stream (its reader connected by an admin; safety-net org poll)",
    );
    const perRep = summaryLines(benchResults({ steady: { ...steadyRun(), readMode: 'per-rep' }, atRest: null }));
    expect(perRep).toContain("steady state: 20.0 changes/s; Salesforce read by each rep's own polls (no org reader)");
    expect(perRep).toContain('latency at rest: not run');
  });

  it('prints the calls a rep a day of a realistic day, and of each org size', () => {
    const idle100 = 384 + 86_400 / 30.2;
    expect(summaryLines(benchResults())).toContain(
      'Salesforce API calls a rep a day (a realistic day: 40 changes a rep, half each side; read once): ' +
        `${formatNumber(40 + idle100 / 100, 1)} = 1.00 a change × 40 + the idle 100-rep org's ${formatNumber(idle100 / 100, 1)} a rep; ` +
        `orgs: 1 rep 424 a day (424.0 a rep, 0.42 % of Enterprise), 100 reps ${formatInt(idle100 + 4000)} a day (${formatNumber((idle100 + 4000) / 100, 1)} a rep, ${formatNumber((100 * (idle100 + 4000)) / 201_000, 2)} % of Enterprise)`,
    );
    expect(summaryLines(benchResults({ idleOrgs: { ...idleOrgs(), repDayCalls: null } }))).toContain(
      'Salesforce API calls a rep a day: not run',
    );
  });

  it('says when an idle org read once meets the target', () => {
    const results = benchResults();
    const idle = results.idleOrgs as IdleOrgsResult;
    const met = summaryLines({
      ...results,
      idleOrgs: {
        ...idle,
        runs: idle.runs
          .filter((r) => r.mode === 'per-rep' || r.reps === 1)
          .map((r) => (r.mode === 'org-reads' ? { ...r, perDay: 312 } : r)),
      },
    });
    expect(met.find((l) => l.startsWith('idle org API calls a day, read once'))).toMatch(
      /1 rep 312; issue 20 asks at most 350: met$/,
    );
  });

  it('says "not run" for skipped phases', () => {
    const lines = summaryLines(benchResults({ imports: [], steady: null, apiCalls: null, idleOrgs: null }));
    expect(lines).toEqual(
      expect.arrayContaining([
        'initial import: not run',
        'steady state: not run',
        'Salesforce API calls: not run',
        'idle org API calls a day: not run',
      ]),
    );
  });
});

describe('reportMarkdown', () => {
  const results = benchResults();
  const markdown = reportMarkdown(results);

  it('opens with the date, the machine and the command that reproduces the run', () => {
    expect(markdown.split('\n')[0]).toBe('# Task sync benchmark, 2026-03-14');
    expect(markdown).toContain('2 × Test CPU @ 2.10GHz, 7.8 GiB memory, Node v20.19.0, linux');
    expect(markdown).toContain(`\`\`\`sh\n${results.command}\n\`\`\``);
  });

  it('names the PostgreSQL server, and says so loudly when it never vacuums', () => {
    expect(markdown).toContain("PostgreSQL: 15.20, the benchmark's own server, as PostgreSQL ships (autovacuum on).");
    const machines = reportMarkdown(benchResults({ postgres: { version: '15.20', own: false, autovacuum: false } }));
    expect(machines).toContain("PostgreSQL: 15.20, the machine's server (**autovacuum off**");
  });

  it('tables the benchmark and service settings', () => {
    const settings = section(markdown, 'Settings');
    expect(settings).toMatch(/\| tasks \| 3,000 \|/);
    expect(settings).toMatch(/\| connections \| 5 \|/);
    expect(settings).toMatch(/\| rate \| 20\.0 changes\/s \|/);
    expect(settings).toMatch(/\| durationSeconds \| 60 s \|/);
    expect(settings).toMatch(/\| SFDC_POLL_INTERVAL_MS \| 5000 \| services \|/);
    expect(settings).toMatch(/\| KAFKA_PARTITIONS \| 12 \| services \|/);
  });

  it('has one import row per run with tasks/s, the ceiling, record bytes and the ratio', () => {
    const imports = section(markdown, 'Initial import');
    for (const run of results.imports) {
      const row = imports.split('\n').find((l) => l.startsWith(`| ${run.label} |`));
      expect(row).toBeDefined();
      const cells = (row as string)
        .split('|')
        .map((c) => c.trim())
        .slice(1, -1);
      expect(cells).toEqual([
        run.label,
        String(run.connections),
        '3,000',
        run.seconds.toFixed(1),
        run.tasksPerSecond.toFixed(1),
        formatInt(run.ceiling.recordsPerSecond),
        '612',
        ratioText(run.ratioToCeiling),
      ]);
    }
    expect(imports).toContain('| 0.0053 |'); // 240 tasks/s ÷ 45,000 records/s
    expect(imports).toContain('| 0.0079 |'); // 375 tasks/s ÷ 47,300 records/s
    expect(imports).toContain('45,000');
    expect(imports).toContain('47,300');
  });

  it('has the steady-state latency by direction and the changes made by kind', () => {
    const steady = section(markdown, 'Steady state');
    expect(steady).toContain('| Salesforce → Sales Connect | 588 | 587 | 1.23 s | 2.88 s | 3.41 s | 4.02 s |');
    expect(steady).toContain('| Sales Connect → Salesforce | 588 | 588 | 640 ms | 1.49 s | 2.20 s | 2.95 s |');
    expect(steady).toContain('| Salesforce → Sales Connect | 120 | 300 | 90 | 78 | 588 |');
    expect(steady).toContain('| Sales Connect → Salesforce | 110 | 310 | 85 | 83 | 588 |');
    expect(steady).toContain('achieved 19.6 changes/s');
    expect(steady).toContain("Salesforce read once, by the org's change stream");
  });

  it('says whether the stream carried the steady run: the org’s CDC allocation, the events delivered, and a stream down in bold', () => {
    const streamed = { dailyAllocation: 125_000, deliveredToday: 24_060, state: 'streaming' };
    const withStream = (stream: typeof streamed) =>
      section(reportMarkdown(benchResults({ steady: { ...steadyRun(), stream } })), 'Steady state');
    expect(withStream(streamed)).toContain(
      "The org's CDC allocation: 125,000 events a day; 24,060 delivered today by the end of this run; the stream was streaming at its end.",
    );
    const down = withStream({ ...streamed, deliveredToday: 25_000, state: 'down' });
    expect(down).toContain('**the stream was down at its end: changes were read by the org poll**');
    expect(section(markdown, 'Steady state')).not.toContain('CDC allocation');
  });

  it('has the latency at rest by direction, its read mode and its method', () => {
    const rest = section(markdown, 'Latency at rest');
    expect(rest).toContain('| Salesforce → Sales Connect | 30 | 30 | 800 ms | 1.08 s | 1.10 s | 1.10 s |');
    expect(rest).toContain('| Sales Connect → Salesforce | 30 | 27 | 3.12 s | 4.08 s | 4.16 s | 4.16 s |');
    expect(rest).toContain("Salesforce read once, by the org's change stream");
    expect(rest).toContain('then 1.0 s for the sync');
    expect(rest).toContain('The phase took 95 s.');
    expect(section(reportMarkdown(benchResults({ atRest: null })), 'Latency at rest')).toContain(
      'Not run (`--rest-changes 0`).',
    );
  });

  it('has the Salesforce API calls against the floor, its parts and the calls by endpoint', () => {
    const api = section(markdown, 'Salesforce API calls');
    expect(api).toContain('| product calls | 431 |');
    expect(api).toContain('| calls per 1,000 changes | 366.8 |');
    expect(api).toContain('| floor per 1,000 changes | 210.2 |');
    expect(api).toContain(`| ratio to floor | ${(431 / 247).toFixed(2)} |`);
    expect(api).toContain('| writes | 588 |');
    expect(api).toContain('| records read | 1,176 |');
    expect(api).toContain('| polls | 240 |');
    expect(api).toContain('| floor calls | 247 |');
    const endpoints = api.split('\n').filter((l) => /^\| (GET|PATCH|POST) /.test(l));
    expect(endpoints.map((l) => l.split('|')[1].trim())).toEqual([
      'GET /query',
      'PATCH /sobjects/Task',
      'POST /composite/sobjects',
    ]);
    expect(endpoints[0]).toContain('| 301 |');
  });

  it('has every steady figure of each run with its min / median / max', () => {
    const spread = section(markdown, 'Steady state over its runs');
    expect(spread).toContain('| figure | run 1 | run 2 | run 3 | min | median | max |');
    expect(spread).toContain('| salesforce→salesconnect p99 | 3.41 s | 2.95 s | 4.10 s | 2.95 s | 3.41 s | 4.10 s |');
    expect(spread).toContain('| Salesforce calls per 1,000 changes | 20.0 | 25.0 | 30.0 | 20.0 | 25.0 | 30.0 |');
    expect(spread).toContain('| calls: GET /query | 300 | 400 | 300 | 300 | 300 | 400 |');
    expect(section(reportMarkdown(benchResults({ steadySpread: null })), 'Steady state over its runs')).toContain(
      'Not run.',
    );
  });

  it('has the CPU of each process per imported task and per change, a column pair a phase', () => {
    const cpu = section(markdown, 'CPU per task and per change');
    expect(cpu).toContain(
      '| program | import one connection CPU s | ms a task | import five connections CPU s | ms a task | steady state CPU s | ms a change |',
    );
    expect(cpu).toContain('| sfdc-ingest | – | – | – | – | 4.1 | 3.50 |');
    expect(cpu).toContain('| reconciler | 7.5 | 2.50 | 7.5 | 2.50 | 9.4 | 8.00 |');
    expect(cpu).toContain('| salesconnect-sandbox | 9.0 | 3.00 | 9.0 | 3.00 | – | – |');
    const rows = cpu
      .split('\n')
      .filter((l) => /^\| [a-z-]+ \|/.test(l))
      .map((l) => l.split('|')[1].trim());
    expect(rows.slice(1)).toEqual(['sfdc-ingest', 'reconciler', 'salesconnect-sandbox']); // after the header row
    // The sum a phase, and what the steady state's sum keeps busy at its own rate (20 a second × 11.5 ms).
    expect(cpu).toContain('| **all together** | 16.5 | **5.50** | 16.5 | **5.50** | 13.5 | **11.50** |');
    expect(cpu).toContain(
      "At the steady state's 20 changes a second, its 11.50 ms a change in all keep 0.23 cores busy.",
    );
    expect(
      section(reportMarkdown(benchResults({ imports: [], steady: null })), 'CPU per task and per change'),
    ).toContain('Not measured.');
  });

  it('has the peak RSS per program and embeds both charts', () => {
    const rss = section(markdown, 'Peak RSS');
    expect(rss).toContain('| reconciler | 4242 | 187.3 | import, 20 connections |');
    expect(rss).toContain('| sfdc-ingest | 4243 | 142.1 |');
    expect(markdown).toMatch(/!\[[^\]]+\]\(latency\.png\)/);
    expect(markdown).toMatch(/!\[[^\]]+\]\(throughput\.png\)/);
  });

  it('writes "not run" for skipped phases and leaves out the latency chart', () => {
    const skipped = reportMarkdown(benchResults({ steady: null, apiCalls: null }));
    expect(section(skipped, 'Steady state')).toContain('Not run.');
    expect(section(skipped, 'Salesforce API calls')).toContain('Not run.');
    expect(skipped).not.toContain('(latency.png)');
    expect(skipped).toContain('(throughput.png)');
    expect(section(reportMarkdown(benchResults({ imports: [] })), 'Initial import')).toContain('Not run.');
  });

  it('has the idle org calls a day by reps and mode, the cadences, and every endpoint with its scaling', () => {
    const idle = section(markdown, 'Idle org: Salesforce API calls a day');
    expect(idle).toContain('| 1 | 384 | 432 | 432 | 101,000 | 0.38 % | 0.43 % |');
    expect(idle).toContain('| 100 | 3,245 | 43,200 | 432 | 200,000 | 1.62 % | 21.60 % |');
    expect(idle).toContain('at most 350 read calls a day, whatever its reps: not met.');
    expect(idle).toContain('| org poll | ORG_POLL_INTERVAL_MS | 5.0 s | 300 s | 288 |');
    expect(idle).toContain(
      '| org getDeleted | ORG_DELETE_AUDIT_INTERVAL_MS (at the end of an org poll) | 15.0 s | 3,600 s | 24 |',
    );
    expect(idle).toContain(
      "| reader's preflight | ORG_READER_PREFLIGHT_INTERVAL_SECONDS (connector-settings) | 10.0 s | 3,600 s | 24 |",
    );
    expect(idle).toContain(
      '| rep polls | POLL_IDLE_MAX_INTERVAL_MS (an idle rep, backed off from POLL_INTERVAL_MS) | 3.0 s | 300 s | 288 a rep |',
    );
    expect(idle).toContain(
      '| rep getDeleted | DELETE_AUDIT_INTERVAL_MS (at the end of a rep poll) | 6.0 s | 600 s | 144 a rep |',
    );
    expect(idle).toContain('| 1 | org-reads | GET queryAll | org poll | 7 | 7 | 1.00 | 288 | 288 |');
    expect(idle).toContain("| 1 | org-reads | GET tooling/query | reader's preflight | 2 | 2 | 1.00 | 24 | 24 |");
    expect(idle).toContain(
      '| 100 | org-reads | GET limits | other | 1 | 0 | – | window: × 86,400 s ÷ 30.2 s | 2,861 |',
    );
    expect(idle).toContain(
      '| 100 | per-rep | GET sobjects/Task/deleted | rep getDeleted | 150 | 150 | 1.00 | 14,400 | 14,400 |',
    );
    expect(idle).toContain('| 100 | org-reads | 30.2 s |');
    expect(idle).toContain('- org-reads, 100 reps: the stream was not streaming throughout the window.');
    expect(idle).toContain('The phase took 312 s');
    expect(idle).toContain('10 reps made 100 changes in Salesforce and 100 in Sales Connect');
    expect(idle).toContain('delivered 230 events for them');
    expect(idle).toContain('1.15 a change, so 46.0 a rep a day');
    expect(idle).toContain(
      '| reps | events a day | share of Developer (10,000) | share of Enterprise (25,000) | share of Unlimited / Performance (50,000) |',
    );
    expect(idle).toContain('| 100 | 4,600 | 46.0 % | 18.4 % | 9.2 % |');
    expect(idle).toContain('= 1.00 × 40 + 32.4 = **72.4**');
    expect(idle).toContain('REST calls of the 100-rep org while the sample above was made and synced (234;');
    expect(idle).toContain('meanwhile (34.0: its polls');
    expect(idle).toContain('| 1 | 424 | 424.0 | 102,000 | 0.42 % |');
    expect(idle).toContain('| 100 | 7,245 | 72.4 | 201,000 | 3.60 % |');
    const noDay = reportMarkdown(benchResults({ idleOrgs: { ...idleOrgs(), cdcDay: null } }));
    expect(section(noDay, 'Idle org: Salesforce API calls a day')).toContain(
      '### CDC events a day, for a realistic day\n\nNot run.',
    );
    expect(summaryLines(benchResults({ idleOrgs: { ...idleOrgs(), cdcDay: null } }))).toContain(
      'CDC events a day: not run',
    );
    expect(section(reportMarkdown(benchResults({ idleOrgs: null })), 'Idle org: Salesforce API calls a day')).toContain(
      'Not run.',
    );
  });

  it('escapes pipes in table cells', () => {
    const piped = reportMarkdown(benchResults({ serviceSettings: { FILTER: 'a|b' } }));
    expect(piped).toContain('| FILTER | a\\|b | services |');
  });
});

describe('renderChartPng and writeReport', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bench-report-spec-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('draws a chart to PNG and SVG without a browser, with its title and labels', async () => {
    const steady = steadyRun(200);
    await renderChartPng(latencyChart(steady), join(dir, 'latency.png'), join(dir, 'latency.svg'));
    const png = await readFile(join(dir, 'latency.png'));
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(pngSize(png).width).toBeGreaterThan(800);
    const svg = await readFile(join(dir, 'latency.svg'), 'utf8');
    expect(svg).toContain('Steady state: latency of each change');
    expect(svg).toContain('Salesforce → Sales Connect p50 1.23 s');
  }, 60_000);

  it("fails with the renderer's reason for a chart Vega-Lite cannot draw, and leaves no PNG", async () => {
    await expect(
      renderChartPng(
        { mark: 'line', encoding: { x: { field: 'a', type: 'nonsense' } }, data: { values: [] } },
        join(dir, 'bad.png'),
      ),
    ).rejects.toThrow(/could not be drawn \(exit 1\)/);
    await expect(readFile(join(dir, 'bad.png'))).rejects.toThrow(/ENOENT/);
  }, 60_000);

  it('writeReport writes results.json, report.md and a PNG per chart', async () => {
    const results = benchResults();
    const outDir = join(dir, 'out');
    const written = await writeReport(results, outDir);

    expect(written.markdownPath).toBe(join(outDir, 'report.md'));
    expect(written.charts.sort()).toEqual([join(outDir, 'latency.png'), join(outDir, 'throughput.png')]);
    expect(JSON.parse(await readFile(join(outDir, 'results.json'), 'utf8'))).toEqual(results);
    expect(await readFile(written.markdownPath, 'utf8')).toBe(reportMarkdown(results));
    for (const png of written.charts) expect((await readFile(png)).subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    // Two panels stacked: the throughput chart is the taller.
    expect(pngSize(await readFile(join(outDir, 'throughput.png'))).height).toBeGreaterThan(
      pngSize(await readFile(join(outDir, 'latency.png'))).height,
    );
  }, 60_000);

  it('writeReport draws no latency chart when the steady state did not run', async () => {
    const written = await writeReport(benchResults({ steady: null, apiCalls: null }), join(dir, 'out'));
    expect(written.charts).toEqual([join(dir, 'out', 'throughput.png')]);
  }, 60_000);
});
