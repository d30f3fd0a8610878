import type { CdcDayResult } from './cdc-day';
import type { IdleActivity, IdleCadence, IdleEndpointFigure, IdleMode } from './idle-calls';
import type { RepDayCallsResult } from './rep-day-calls';
import type { SpreadFigure } from './spread';

/** How the steady-state org was read: once, by its reader's change stream (and safety-net poll), or by each rep's own polls. */
export type ReadMode = 'stream' | 'per-rep';

export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  /** The command line that reproduces the run (settings as flags). */
  command: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; platform: string };
  /** The PostgreSQL server the run used: its version, whose it was, and whether it vacuums (and so analyzes) by itself. */
  postgres: { version: string; own: boolean; autovacuum: boolean };
  settings: BenchSettings;
  /** The product settings the services ran with that shape the figures (poll interval, …). */
  serviceSettings: Record<string, string>;
  imports: ImportResult[];
  /** One change at a time in the steady-state org, before the steady run; null when skipped (`--rest-changes 0`). */
  atRest: AtRestResult | null;
  /** The steady run whose Salesforce → Sales Connect p99 is the median of the runs: the tables and charts show it. */
  steady: SteadyResult | null;
  apiCalls: ApiCallsResult | null;
  /** Each steady-state figure over the runs; null when the steady state was not run. */
  steadySpread: SpreadFigure[] | null;
  rss: RssResult[];
  /** Salesforce API calls a day of an idle org, read once (its reader) and per rep; null when skipped (`--idle-reps none`). */
  idleOrgs: IdleOrgsResult | null;
}

export interface BenchSettings {
  /** Salesforce tasks seeded in the 24-hour window for the import runs. */
  tasks: number;
  /** Connections sharing those tasks in the second import run. */
  connections: number;
  /** Changes per second in the steady-state run, both sides together. */
  rate: number;
  /** Seconds of steady-state changes. */
  durationSeconds: number;
  /** Steady-state runs, one after the other on the same stack; the report gives each figure's min / median / max. */
  steadyRuns: number;
  /** Processes of each Kafka consumer (sfdc-ingest, salesconnect-ingest, reconciler), as START_REPLICAS. */
  replicas: number;
}

export interface ImportResult {
  label: string;
  connections: number;
  tasks: number;
  /** From the first Save (enable) to the last task's arrival in Sales Connect. */
  seconds: number;
  tasksPerSecond: number;
  /** Each task's arrival in Sales Connect, in ms after the first enable (sorted ascending). */
  arrivalsMs: number[];
  /** The bare kafkajs pipe on the same broker: the ceiling. */
  ceiling: CeilingResult;
  /** tasksPerSecond / ceiling.recordsPerSecond. */
  ratioToCeiling: number;
  /** Each process's CPU time from the Save to the last arrival, and per imported task. */
  cpu: CpuFigure[];
}

/** A process's CPU time (user + system, from /proc/<pid>/stat) over a phase, and per unit of its work. */
export interface CpuFigure {
  program: string;
  cpuMs: number;
  msPerUnit: number;
}

export interface CeilingResult {
  records: number;
  recordBytes: number;
  partitions: number;
  seconds: number;
  recordsPerSecond: number;
}

export type Direction = 'salesforce→salesconnect' | 'salesconnect→salesforce';
export const DIRECTIONS: readonly Direction[] = ['salesforce→salesconnect', 'salesconnect→salesforce'];
export type ChangeKind = 'create' | 'edit' | 'complete' | 'delete';

export interface LatencySummary {
  /** Changes made on the source side. */
  made: number;
  /** Of those, the ones seen arriving on the other side. */
  arrived: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

export interface SteadyResult {
  /** How the org's Salesforce changes were read during the run. */
  readMode: ReadMode;
  connections: number;
  rate: number;
  durationSeconds: number;
  /** Changes actually made per second (the generator's achieved rate). */
  achievedRate: number;
  madeByKind: Record<Direction, Record<ChangeKind, number>>;
  latency: Record<Direction, LatencySummary>;
  /** Every arrived change: when it was made (ms after the run's start) and how long it took. */
  samples: { atMs: number; direction: Direction; kind: ChangeKind; latencyMs: number }[];
  /** Each process's CPU time from the first change to the end of the drain, and per change made. */
  cpu: CpuFigure[];
  /** Read by the stream: the org's CDC allocation, the events delivered today at the run's end, and the stream's state then. */
  stream?: StreamAtRunEnd;
}

export interface StreamAtRunEnd {
  dailyAllocation: number;
  deliveredToday: number;
  /** sfdc-ingest's state of the org's stream (`streaming`; `down` once Salesforce refused it, e.g. the allocation spent). */
  state: string;
}

/** Latency at rest: one change at a time, each arriving on the other side before the next is made. */
export interface AtRestResult {
  readMode: ReadMode;
  /** Changes made in each direction (half creates, half edits of imported tasks). */
  changesPerDirection: number;
  /** The pause after an arrival before the next change, so the sync's follow-up writes are done. */
  gapMs: number;
  latency: Record<Direction, LatencySummary>;
  /** Every arrived change: when it was made (ms after the phase's start) and how long it took. */
  samples: { atMs: number; direction: Direction; kind: ChangeKind; latencyMs: number }[];
  /** Seconds the phase took. */
  seconds: number;
}

export interface ApiCallsResult {
  /** Changes that reached the other side in the steady-state run (both directions). */
  changesPropagated: number;
  /** Salesforce REST calls the product made in that run (the benchmark's own calls as the users are not counted). */
  productCalls: number;
  byEndpoint: Record<string, number>;
  /** The floor for the same work: ⌈writes / 200⌉ + ⌈records read / 2,000⌉ + one call per poll, per connection, summed. */
  floor: { writes: number; recordsRead: number; polls: number; calls: number };
  callsPer1000: number;
  floorPer1000: number;
  /** productCalls / floor.calls. */
  ratioToFloor: number;
}

export interface IdleOrgsResult {
  /** Reps connected in each org measured, e.g. [1, 100, 1000]. */
  reps: number[];
  /** The shortened intervals the phase's stack ran with. */
  testCadence: IdleCadence;
  /** The intervals the per-day figures are scaled to: the services' defaults. */
  defaultCadence: IdleCadence;
  /** One per org and mode: each org is measured read per rep first, then read once after its reader connected. */
  runs: IdleOrgRun[];
  /** CDC events of a realistic day, sampled in the largest org read once. */
  cdcDay: CdcDayResult | null;
  /** Salesforce API calls a rep a day for the same realistic day, read once (from the same sample and the org's idle window). */
  repDayCalls: RepDayCallsResult | null;
  /** Seconds the phase took, its stack's start and stop included. */
  seconds: number;
}

export interface IdleOrgRun {
  reps: number;
  mode: IdleMode;
  orgId: string;
  /** The measured window: from a quiet moment (no poll of the org in flight) to another. */
  windowSeconds: number;
  /** Cycles of each activity in the window, as the services' own state recorded them (polls, getDeleted runs, preflights). */
  cycles: Record<IdleActivity, number>;
  /** Calls in the window by endpoint, each scaled to a day by its activity's cadence at the default intervals. */
  endpoints: IdleEndpointFigure[];
  callsInWindow: number;
  /** Σ endpoints' calls a day at the default intervals. */
  perDay: number;
  /** What may make the figure less exact (a window edge with a poll in flight, the stream not streaming throughout). */
  notes: string[];
}

export interface RssResult {
  program: string;
  pid: number;
  /** VmHWM from /proc/<pid>/status: the process's peak resident set. */
  peakMiB: number;
  /** The phase (an import, a steady run) by whose end the peak had been reached. */
  reachedIn?: string;
}
