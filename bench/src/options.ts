import { readFlags } from './flags';
import type { BenchSettings, ReadMode } from './report/results';

export interface BenchOptions extends BenchSettings {
  /** Where report.md, results.json and the charts go. */
  outDir: string;
  /** Seconds the steady-state run waits after its last change for every change to arrive. */
  drainSeconds: number;
  /** Reps connected in each idle org measured (one org each); empty: the idle-org phase is skipped. */
  idleReps: number[];
  /** How the steady-state org is read: by its reader's change stream (an admin connects it first), or by each rep's own polls. */
  readMode: ReadMode;
  /** Changes a direction in the latency-at-rest phase; 0 skips it. */
  restChanges: number;
}

export const DEFAULTS: BenchSettings = {
  tasks: 100_000,
  connections: 20,
  rate: 200,
  durationSeconds: 120,
  steadyRuns: 3,
  replicas: 1,
};
export const DEFAULT_IDLE_REPS: readonly number[] = [1, 100, 1000];
export const DEFAULT_READ_MODE: ReadMode = 'stream';
export const DEFAULT_REST_CHANGES = 30;
const READ_MODES: readonly ReadMode[] = ['stream', 'per-rep'];

const FLAGS: Record<string, keyof BenchSettings | 'out' | 'drain' | 'idleReps' | 'readMode' | 'restChanges'> = {
  '--tasks': 'tasks',
  '--connections': 'connections',
  '--rate': 'rate',
  '--duration': 'durationSeconds',
  '--steady-runs': 'steadyRuns',
  '--replicas': 'replicas',
  '--drain': 'drain',
  '--idle-reps': 'idleReps',
  '--read-mode': 'readMode',
  '--rest-changes': 'restChanges',
  '--out': 'out',
};

/** `1,100,1000` → [1, 100, 1000]; `none` (or 0) → []: no idle-org phase. */
function parseIdleReps(value: string): number[] {
  if (value === 'none' || value === '0') return [];
  const reps = value.split(',').map((part) => Number(part.trim()));
  if (reps.length === 0 || reps.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error(`--idle-reps takes whole numbers above 0 separated by commas (1,100,1000), or none; not ${value}`);
  return reps;
}

/** `--tasks 100000 --connections 20 --rate 200 --duration 120 --steady-runs 3 --replicas 1 --drain 120 --idle-reps 1,100,1000 --read-mode stream --rest-changes 30 --out DIR`; unknown or bad flags throw. */
export function parseOptions(argv: string[], defaultOutDir: string): BenchOptions {
  const options: BenchOptions = {
    ...DEFAULTS,
    outDir: defaultOutDir,
    drainSeconds: 120,
    idleReps: [...DEFAULT_IDLE_REPS],
    readMode: DEFAULT_READ_MODE,
    restChanges: DEFAULT_REST_CHANGES,
  };
  for (const { flag, key, value } of readFlags(argv, FLAGS)) {
    if (key === 'out') {
      options.outDir = value;
      continue;
    }
    if (key === 'idleReps') {
      options.idleReps = parseIdleReps(value);
      continue;
    }
    if (key === 'readMode') {
      if (!READ_MODES.includes(value as ReadMode))
        throw new Error(`--read-mode takes ${READ_MODES.join(' or ')}, not ${value}`);
      options.readMode = value as ReadMode;
      continue;
    }
    if (key === 'restChanges') {
      const changes = Number(value);
      if (!Number.isInteger(changes) || changes < 0)
        throw new Error(`--rest-changes must be a whole number, 0 or more, not ${value}`);
      options.restChanges = changes;
      continue;
    }
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a whole number above 0, not ${value}`);
    if (key === 'drain') options.drainSeconds = n;
    else options[key] = n;
  }
  if (options.connections > options.tasks)
    throw new Error(
      `--connections (${options.connections}) cannot exceed --tasks (${options.tasks}): each connection gets a share of the tasks`,
    );
  return options;
}

/** The command line that reproduces a run with these settings. */
export function commandFor(
  options: BenchSettings & { idleReps?: readonly number[]; readMode?: ReadMode; restChanges?: number },
): string {
  const flags = (Object.entries(FLAGS) as [string, string][])
    .filter(([, key]) => key in DEFAULTS)
    .filter(([, key]) => options[key as keyof BenchSettings] !== DEFAULTS[key as keyof BenchSettings])
    .map(([flag, key]) => `${flag} ${options[key as keyof BenchSettings]}`);
  const idleReps = options.idleReps ?? DEFAULT_IDLE_REPS;
  if (idleReps.join(',') !== DEFAULT_IDLE_REPS.join(','))
    flags.push(`--idle-reps ${idleReps.length ? idleReps.join(',') : 'none'}`);
  if (options.readMode !== undefined && options.readMode !== DEFAULT_READ_MODE)
    flags.push(`--read-mode ${options.readMode}`);
  if (options.restChanges !== undefined && options.restChanges !== DEFAULT_REST_CHANGES)
    flags.push(`--rest-changes ${options.restChanges}`);
  return flags.length ? `npm run bench -- ${flags.join(' ')}` : 'npm run bench';
}
