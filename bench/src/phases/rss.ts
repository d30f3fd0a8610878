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
export function peakRss(programs: Iterable<[string, number]>): RssResult[] {
  return [...programs].flatMap(([program, pid]) => {
    const peakMiB = peakRssMiB(pid);
    return peakMiB === null ? [] : [{ program, pid, peakMiB: Math.round(peakMiB * 10) / 10 }];
  });
}

/** The first phase by whose end the high-water mark had its final value (VmHWM never falls); null with no reading. */
export function phaseOfPeak(readings: readonly { phase: string; peakMiB: number }[]): string | null {
  const final = readings[readings.length - 1]?.peakMiB;
  return readings.find((r) => r.peakMiB === final)?.phase ?? null;
}

/**
 * VmHWM read at the end of each phase (an import, a steady run): the end-of-run peaks say how high,
 * these say when.
 */
export class PeakRssByPhase {
  private readonly readings: { phase: string; rss: RssResult[] }[] = [];

  constructor(private readonly programs: () => Iterable<[string, number]>) {}

  note(phase: string): void {
    this.readings.push({ phase, rss: peakRss(this.programs()) });
  }

  /** Each program's peak at the last reading, with the phase in which it was reached. */
  results(): RssResult[] {
    const last = this.readings[this.readings.length - 1]?.rss ?? [];
    return last.map((r) => {
      const readings = this.readings.flatMap(({ phase, rss }) =>
        rss.filter((x) => x.pid === r.pid).map((x) => ({ phase, peakMiB: x.peakMiB })),
      );
      return { ...r, reachedIn: phaseOfPeak(readings) ?? undefined };
    });
  }
}
