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

/** The fields of /proc/<pid>/stat after the command name (field 3, the state, is index 0); null when the process is gone. */
function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: the fields after its closing parenthesis are fixed.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

const ticksToMs = (ticks: number): number => (ticks * 1000) / TICKS_PER_SECOND;

/** CPU time a live process has used (user + system, threads included), in ms; null when it is gone. */
export function cpuMs(pid: number): number | null {
  const fields = statFields(pid);
  return fields ? ticksToMs(Number(fields[11]) + Number(fields[12])) : null; // utime, stime: fields 14 and 15 of proc(5)
}

/**
 * CPU time of a process and everything below it, the exited children included: a parent's cutime
 * and cstime (fields 16, 17) hold the time of the children it has reaped, so a PostgreSQL backend
 * that exits during a phase still counts (through the postmaster). Null when the root is gone.
 */
export function treeCpuMs(root: number): number | null {
  const parents = new Map<number, number[]>();
  const own = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    if (!fields) continue;
    const ppid = Number(fields[1]);
    const children = parents.get(ppid);
    if (children) children.push(Number(entry));
    else parents.set(ppid, [Number(entry)]);
    own.set(
      Number(entry),
      fields.slice(11, 15).reduce((sum, ticks) => sum + Number(ticks), 0),
    );
  }
  if (!own.has(root)) return null;
  let ticks = 0;
  for (const queue = [root]; queue.length > 0;) {
    const pid = queue.pop() as number;
    ticks += own.get(pid) ?? 0;
    queue.push(...(parents.get(pid) ?? []));
  }
  return ticksToMs(ticks);
}

export type CpuSnapshot = Map<string, number>;

/** A program is one process, several counted together, or a process tree with its exited children (PostgreSQL). */
export type Program = [string, number | readonly number[] | { tree: number }];

/** A program's CPU time now, or null when none of its processes is there. */
function programCpuMs(pids: Program[1]): number | null {
  if (typeof pids === 'object' && 'tree' in pids) return treeCpuMs(pids.tree);
  const times = (typeof pids === 'number' ? [pids] : pids).map(cpuMs).filter((ms): ms is number => ms !== null);
  return times.length > 0 ? times.reduce((a, b) => a + b, 0) : null;
}

/** Every program's CPU time now, to subtract from a later snapshot. */
export function cpuSnapshot(programs: Iterable<Program>): CpuSnapshot {
  const snapshot: CpuSnapshot = new Map();
  for (const [program, pids] of programs) {
    const ms = programCpuMs(pids);
    if (ms !== null) snapshot.set(program, ms);
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

/** PostgreSQL's postmaster: the `postgres` process whose parent is not one (null when none runs here). */
export function postmasterPid(): number | null {
  const pids = pidsNamed('postgres');
  return pids.find((pid) => !pids.includes(Number(statFields(pid)?.[1]))) ?? null;
}

/** The broker's and PostgreSQL's processes when the run was told them (0: not known). */
export interface InfrastructurePids {
  brokerPid: number;
  postgresPid: number;
}

/** PostgreSQL is its postmaster's tree, so backends that exit during a phase still count; every database of the server does. */
export function infrastructure({ brokerPid, postgresPid }: InfrastructurePids): Program[] {
  // npm run bench starts a server of its own and names its postmaster; otherwise the machine's.
  const postmaster = postgresPid > 0 ? postgresPid : postmasterPid();
  return [
    ['benchmark', process.pid],
    ...(brokerPid > 0 ? [['kafka broker', brokerPid] as Program] : []),
    ...(postmaster !== null ? [['postgresql', { tree: postmaster }] as Program] : []),
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
