import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import {
  closeCpuWindow,
  cpuMs,
  cpuPerUnit,
  cpuSnapshot,
  cpuSnapshotWhenQuiet,
  idleCpuRate,
  openCpuWindow,
  pidsNamed,
  postmasterPid,
  treeCpuMs,
} from './cpu';

describe('CPU time from /proc', () => {
  it("reads this process's CPU time, and it grows with work done", () => {
    const before = cpuMs(process.pid);
    expect(before).not.toBeNull();
    // Spins until this process has used 150 ms of CPU (not of wall time: on a busy machine 300 ms of wall time may hold far less).
    const start = process.cpuUsage();
    let spin = 0;
    while (process.cpuUsage(start).user < 150_000) spin += Math.sqrt(spin + 1);
    const after = cpuMs(process.pid) as number;
    expect(spin).toBeGreaterThan(0);
    // 300 ms of spinning shows as CPU time (ticks of 10 ms; a loaded machine may deschedule part of it).
    expect(after - (before as number)).toBeGreaterThanOrEqual(100);
  });

  it('is null for a process that is not there', () => {
    expect(cpuMs(2 ** 22 + 7)).toBeNull();
    expect(cpuSnapshot([['gone', 2 ** 22 + 7]]).size).toBe(0);
  });

  it('counts a program of several processes as their sum, and finds processes by command name', () => {
    const own = cpuSnapshot([['one', process.pid]]).get('one') as number;
    const twice = cpuSnapshot([['two', [process.pid, process.pid]]]).get('two') as number;
    expect(twice).toBeGreaterThanOrEqual(2 * own);
    expect(pidsNamed(readFileSync(`/proc/${process.pid}/comm`, 'utf8').trim())).toContain(process.pid);
    expect(pidsNamed('no-such-command-here')).toEqual([]);
  });

  it('counts a process tree with the CPU of its children that have exited (a PostgreSQL backend that closes during a phase)', () => {
    const before = cpuSnapshot([['tree', { tree: process.pid }]]).get('tree') as number;
    // A child that spins for 200 ms of its own CPU time and exits: only the parent's cutime keeps it.
    const child = spawnSync(process.execPath, [
      '-e',
      'const s = process.cpuUsage(); while (process.cpuUsage(s).user < 200000);',
    ]);
    expect(child.status).toBe(0);
    const after = treeCpuMs(process.pid) as number;
    expect(after - before).toBeGreaterThanOrEqual(150);
    expect(treeCpuMs(2 ** 22 + 7)).toBeNull();
  });

  it('finds the postmaster as the one postgres process whose parent is not one', () => {
    const postmaster = postmasterPid();
    // PostgreSQL runs on this machine for every test suite; its postmaster is the root of its backends.
    expect(postmaster).not.toBeNull();
    expect(pidsNamed('postgres')).toContain(postmaster);
    const parent = Number(/\) \S+ (\d+)/.exec(readFileSync(`/proc/${postmaster}/stat`, 'utf8'))?.[1]);
    expect(pidsNamed('postgres')).not.toContain(parent);
  });

  it('divides each program’s CPU between two snapshots by the units of work, leaving out programs missing from either', () => {
    const before = new Map([
      ['reconciler', 1_000],
      ['sfdc-ingest', 500],
    ]);
    const after = new Map([
      ['reconciler', 4_000],
      ['salesconnect-ingest', 900],
    ]);
    expect(cpuPerUnit(before, after, 1_500)).toEqual([{ program: 'reconciler', cpuMs: 3_000, msPerUnit: 2 }]);
    expect(cpuPerUnit(before, after, 0)).toEqual([]);
  });
});

describe('the end of a phase', () => {
  it('is when the programs are back to their idle rate, not at the deadline', async () => {
    const programs = () => [['bench', process.pid] as [string, number]];
    const idle = await idleCpuRate(programs, 500);
    const started = Date.now();
    await cpuSnapshotWhenQuiet(programs, idle, 10_000);
    expect(Date.now() - started).toBeLessThan(5_000);
  }, 15_000);
});

describe('a CPU window', () => {
  it('charges the work done between its opening and its close to each unit of it', async () => {
    const window = await openCpuWindow(() => [['bench', process.pid] as [string, number]]);
    // Spins until this process has used 150 ms of CPU (not of wall time: on a busy machine 300 ms of wall time may hold far less).
    const start = process.cpuUsage();
    let spin = 0;
    while (process.cpuUsage(start).user < 150_000) spin += Math.sqrt(spin + 1);
    const [figure] = await closeCpuWindow(window, 3);
    expect(spin).toBeGreaterThan(0);
    expect(figure.program).toBe('bench');
    expect(figure.cpuMs).toBeGreaterThanOrEqual(100);
    expect(figure.msPerUnit).toBeCloseTo(figure.cpuMs / 3, 0);
  }, 30_000); // two seconds of idle rate and at least one of quiet: past jest's 5 s on a loaded machine
});
