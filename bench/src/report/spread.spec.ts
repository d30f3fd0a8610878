import { median, representativeRun, steadySpread, type SteadyRun } from './spread';
import type { ApiCallsResult, SteadyResult } from './results';

function run(
  sfToScP99: number | null,
  callsPer1000: number,
  cpu: Record<string, number>,
  byEndpoint: Record<string, number> = {},
): SteadyRun {
  const latency = (p99Ms: number | null) => ({
    made: 10,
    arrived: p99Ms === null ? 0 : 10,
    p50Ms: p99Ms === null ? null : p99Ms / 4,
    p95Ms: p99Ms === null ? null : p99Ms / 2,
    p99Ms,
    maxMs: p99Ms,
  });
  const steady = {
    readMode: 'stream',
    connections: 2,
    rate: 10,
    durationSeconds: 10,
    achievedRate: 10,
    madeByKind: {} as SteadyResult['madeByKind'],
    latency: { 'salesforce→salesconnect': latency(sfToScP99), 'salesconnect→salesforce': latency(1000) },
    samples: [],
    cpu: Object.entries(cpu).map(([program, msPerUnit]) => ({ program, cpuMs: msPerUnit * 100, msPerUnit })),
  } satisfies SteadyResult;
  return { steady, apiCalls: { callsPer1000, byEndpoint } as ApiCallsResult };
}

describe('median', () => {
  it.each([
    [[], null],
    [[7], 7],
    [[9, 1, 5], 5],
    [[4, 1, 3, 2], 2.5],
  ])('of %j is %p', (values, expected) => {
    expect(median(values)).toBe(expected);
  });
});

describe('steadySpread', () => {
  const runs = [
    run(4000, 30, { reconciler: 5, 'sfdc-ingest': 1 }),
    run(2000, 20, { reconciler: 4 }),
    run(3000, 25, { reconciler: 6, 'sfdc-ingest': 3 }),
  ];

  it('gives each figure every run’s value and their min / median / max', () => {
    const spread = steadySpread(runs);
    expect(spread.find((f) => f.name === 'salesforce→salesconnect p99')).toEqual({
      name: 'salesforce→salesconnect p99',
      unit: 'ms',
      values: [4000, 2000, 3000],
      min: 2000,
      median: 3000,
      max: 4000,
    });
    expect(spread.find((f) => f.name === 'Salesforce calls per 1,000 changes')).toMatchObject({
      values: [30, 20, 25],
      min: 20,
      median: 25,
      max: 30,
    });
    expect(spread.map((f) => f.name)).toHaveLength(6 + 1 + 2);
  });

  it('gives each endpoint its calls in every run, 0 where a run made none, so the run a poll fell in shows why', () => {
    const spread = steadySpread([
      run(1000, 25, {}, { 'POST composite': 500, 'GET queryAll': 90 }),
      run(1000, 30, {}, { 'POST composite': 510, 'GET queryAll': 190, 'GET sobjects/Task/describe': 10 }),
      run(1000, 24, {}, { 'POST composite': 490, 'GET queryAll': 85 }),
    ]);
    const calls = spread.filter((f) => f.name.startsWith('calls: '));
    expect(calls.map((f) => f.name)).toEqual([
      'calls: GET queryAll',
      'calls: GET sobjects/Task/describe',
      'calls: POST composite',
    ]);
    expect(calls[0]).toEqual({
      name: 'calls: GET queryAll',
      unit: 'count',
      values: [90, 190, 85],
      min: 85,
      median: 90,
      max: 190,
    });
    expect(calls[1].values).toEqual([0, 10, 0]);
  });

  it('leaves a run without the figure out of min / median / max, and shows it as null', () => {
    const spread = steadySpread(runs);
    expect(spread.find((f) => f.name === 'sfdc-ingest CPU per change')).toEqual({
      name: 'sfdc-ingest CPU per change',
      unit: 'cpu-ms',
      values: [1, null, 3],
      min: 1,
      median: 2,
      max: 3,
    });
    expect(steadySpread([run(null, 10, {})]).find((f) => f.name === 'salesforce→salesconnect p99')).toMatchObject({
      values: [null],
      min: null,
      median: null,
      max: null,
    });
  });
});

describe('representativeRun', () => {
  it('is the run whose Salesforce → Sales Connect p99 is the median; the lower middle of an even count', () => {
    const [a, b, c] = [run(4000, 1, {}), run(2000, 2, {}), run(3000, 3, {})];
    expect(representativeRun([a, b, c])).toBe(c);
    expect(representativeRun([a, b])).toBe(b);
    expect(() => representativeRun([])).toThrow('no steady run');
  });
});
