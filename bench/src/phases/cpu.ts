import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { CpuFigure } from '../report/results';

/** Kernel clock ticks a second, the unit of /proc/<pid>/stat's times (100 on common Linux builds). */
const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU time a live process has used (user + system, threads included), in ms; null when it is gone. */
export function cpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: the fields after its closing parenthesis are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime: fields 14 and 15 of proc(5)
    return (ticks * 1000) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

export type CpuSnapshot = Map<string, number>;

/** A program is one process, or several counted together (PostgreSQL's backends). */
export type Program = [string, number | readonly number[]];

/** Every program's CPU time now, to subtract from a later snapshot. */
export function cpuSnapshot(programs: Iterable<Program>): CpuSnapshot {
  const snapshot: CpuSnapshot = new Map();
  for (const [program, pids] of programs) {
    const times = (typeof pids === 'number' ? [pids] : pids).map(cpuMs).filter((ms): ms is number => ms !== null);
    if (times.length > 0)
      snapshot.set(
        program,
        times.reduce((a, b) => a + b, 0),
      );
  }
  return snapshot;
}

/** The processes whose command is `name` (e.g. every PostgreSQL backend), from /proc. */
export function pidsNamed(name: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === name;
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** PostgreSQL's figure is a floor: a backend that exits during a phase takes its CPU time with it. */
export function infrastructure(brokerPid: number): Program[] {
  return [
    ['benchmark', process.pid],
    ...(brokerPid > 0 ? [['kafka broker', brokerPid] as Program] : []),
    ['postgresql', pidsNamed('postgres')],
  ];
}

/** CPU each program spent between two snapshots, and per unit of work (an imported task, a change); programs missing from either are left out. */
export function cpuPerUnit(before: CpuSnapshot, after: CpuSnapshot, units: number): CpuFigure[] {
  return [...after].flatMap(([program, ms]) => {
    const start = before.get(program);
    if (start === undefined || units <= 0) return [];
    const cpu = Math.max(0, ms - start);
    return [{ program, cpuMs: Math.round(cpu), msPerUnit: Math.round((cpu / units) * 1000) / 1000 }];
  });
}

const QUIET_MARGIN_MS_PER_SECOND = 50;

const totalMs = (s: CpuSnapshot): number => [...s.values()].reduce((sum, ms) => sum + ms, 0);

/** The programs' CPU a second together while nothing is asked of them (timers, polls, health checks), over `sampleMs`. */
export async function idleCpuRate(programs: () => Iterable<Program>, sampleMs = 2_000): Promise<number> {
  const before = cpuSnapshot(programs());
  await new Promise((resolve) => setTimeout(resolve, sampleMs));
  return ((totalMs(cpuSnapshot(programs())) - totalMs(before)) * 1000) / sampleMs;
}

/**
 * A snapshot taken once the work's tail is done (echoes and follow-up writes still run after the
 * last arrival): when the programs together used no more than their idle rate plus 5 % of a core
 * over a second, or after `maxMs`.
 */
export async function cpuSnapshotWhenQuiet(
  programs: () => Iterable<Program>,
  idleMsPerSecond: number,
  maxMs = 60_000,
): Promise<CpuSnapshot> {
  const deadline = Date.now() + maxMs;
  let last = cpuSnapshot(programs());
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const now = cpuSnapshot(programs());
    if (totalMs(now) - totalMs(last) <= idleMsPerSecond + QUIET_MARGIN_MS_PER_SECOND || Date.now() >= deadline)
      return now;
    last = now;
  }
}

/** A phase's CPU account: the programs, their idle rate just before it, and their CPU at its start; `others` are counted, not waited for. */
export interface CpuWindow {
  programs: () => Iterable<Program>;
  others: () => Iterable<Program>;
  idleMsPerSecond: number;
  before: CpuSnapshot;
}

/**
 * Call right before the phase's work. `others` are counted over the programs' window, as PostgreSQL's
 * autovacuum should not stretch it.
 */
export async function openCpuWindow(
  programs: () => Iterable<Program>,
  others: () => Iterable<Program> = () => [],
): Promise<CpuWindow> {
  const idleMsPerSecond = await idleCpuRate(programs);
  return { programs, others, idleMsPerSecond, before: cpuSnapshot([...programs(), ...others()]) };
}

/** Waits for the work's tail to finish (back to idle), then each program's CPU over the phase and per unit of work. */
export async function closeCpuWindow(window: CpuWindow, units: number): Promise<CpuFigure[]> {
  await cpuSnapshotWhenQuiet(window.programs, window.idleMsPerSecond);
  return cpuPerUnit(window.before, cpuSnapshot([...window.programs(), ...window.others()]), units);
}
