import { PeakRssByPhase, phaseOfPeak } from './rss';

describe('the phase of each peak RSS', () => {
  it('is the first phase by whose end VmHWM had its final value (it never falls)', () => {
    expect(
      phaseOfPeak([
        { phase: 'import, 1 connection', peakMiB: 150.2 },
        { phase: 'import, 20 connections', peakMiB: 198.1 },
        { phase: 'steady run 1', peakMiB: 198.1 },
      ]),
    ).toBe('import, 20 connections');
    expect(phaseOfPeak([{ phase: 'steady run', peakMiB: 120 }])).toBe('steady run');
    expect(phaseOfPeak([])).toBeNull();
  });

  it('reads /proc after each phase: a process that grows in a phase has its peak there', () => {
    const peaks = new PeakRssByPhase(() => [['this test', process.pid]]);
    peaks.note('before');
    const grown = Buffer.alloc(256 * 1024 * 1024, 1); // written, so its pages are resident
    peaks.note('after');
    const [result] = peaks.results();
    expect(result).toMatchObject({ program: 'this test', pid: process.pid, reachedIn: 'after' });
    expect(result.peakMiB).toBeGreaterThan(256);
    expect(grown.length).toBe(256 * 1024 * 1024);
  });
});
