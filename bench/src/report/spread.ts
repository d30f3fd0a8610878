import type { ApiCallsResult, Direction, SteadyResult } from './results';
import { DIRECTIONS } from './results';

/** One figure over the steady runs: each run's value (null where a run had none), and their min / median / max. */
export interface SpreadFigure {
  name: string;
  unit: 'ms' | 'calls' | 'count' | 'cpu-ms';
  values: (number | null)[];
  min: number | null;
  median: number | null;
  max: number | null;
}

export interface SteadyRun {
  steady: SteadyResult;
  apiCalls: ApiCallsResult;
}

/** The middle value (the mean of the two middle ones for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function figure(name: string, unit: SpreadFigure['unit'], values: (number | null)[]): SpreadFigure {
  const present = values.filter((v): v is number => v !== null);
  return {
    name,
    unit,
    values,
    min: present.length ? Math.min(...present) : null,
    median: median(present),
    max: present.length ? Math.max(...present) : null,
  };
}

const PERCENTILES = [
  ['p50', 'p50Ms'],
  ['p95', 'p95Ms'],
  ['p99', 'p99Ms'],
] as const;

/** So one run's luck (a flush that gathered much or little, a backlog) shows as spread, not as the figure. */
export function steadySpread(runs: readonly SteadyRun[]): SpreadFigure[] {
  const latency = DIRECTIONS.flatMap((direction: Direction) =>
    PERCENTILES.map(([label, key]) =>
      figure(
        `${direction} ${label}`,
        'ms',
        runs.map((r) => r.steady.latency[direction][key]),
      ),
    ),
  );
  const calls = figure(
    'Salesforce calls per 1,000 changes',
    'calls',
    runs.map((r) => r.apiCalls.callsPer1000),
  );
  // Which calls made a run's figure: a run the org's safety-net poll fell in shows it here.
  const endpoints = [...new Set(runs.flatMap((r) => Object.keys(r.apiCalls.byEndpoint)))].sort();
  const byEndpoint = endpoints.map((endpoint) =>
    figure(
      `calls: ${endpoint}`,
      'count',
      runs.map((r) => r.apiCalls.byEndpoint[endpoint] ?? 0),
    ),
  );
  const programs = [...new Set(runs.flatMap((r) => r.steady.cpu.map((c) => c.program)))];
  const cpu = programs.map((program) =>
    figure(
      `${program} CPU per change`,
      'cpu-ms',
      runs.map((r) => r.steady.cpu.find((c) => c.program === program)?.msPerUnit ?? null),
    ),
  );
  return [...latency, calls, ...byEndpoint, ...cpu];
}

/** The run the report's tables and charts show: the one whose Salesforce → Sales Connect p99 is the median (the lower middle for an even count). */
export function representativeRun<T extends SteadyRun>(runs: readonly T[]): T {
  if (runs.length === 0) throw new Error('no steady run');
  const p99 = (r: T) => r.steady.latency['salesforce→salesconnect'].p99Ms ?? Number.POSITIVE_INFINITY;
  const sorted = [...runs].sort((a, b) => p99(a) - p99(b));
  return sorted[Math.floor((sorted.length - 1) / 2)];
}
