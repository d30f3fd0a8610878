import { readFileSync } from 'node:fs';
import type { RssResult } from '../report/results';

/** A live process's peak resident set (VmHWM in /proc/<pid>/status), in MiB; null when it is gone. */
export function peakRssMiB(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = /^VmHWM:\s+(\d+) kB$/m.exec(status);
    return kib ? Number(kib[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Peak RSS of every program that is still running; read before the stack stops. */
export function peakRss(programs: [string, number][]): RssResult[] {
  return programs.flatMap(([program, pid]) => {
    const peakMiB = peakRssMiB(pid);
    return peakMiB === null ? [] : [{ program, pid, peakMiB: Math.round(peakMiB * 10) / 10 }];
  });
}
