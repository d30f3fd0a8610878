import { commandFor, DEFAULTS, parseOptions } from './options';

describe('parseOptions', () => {
  it('measures idle orgs of 1, 100 and 1,000 reps by default', () => {
    expect(parseOptions([], '/out')).toEqual({
      ...DEFAULTS,
      outDir: '/out',
      drainSeconds: 120,
      idleReps: [1, 100, 1000],
      readMode: 'stream',
      restChanges: 30,
    });
  });

  it('reads the steady-state org by its stream unless told per-rep, and sizes or skips the phase at rest', () => {
    expect(parseOptions(['--read-mode', 'per-rep', '--rest-changes', '0'], '/out')).toMatchObject({
      readMode: 'per-rep',
      restChanges: 0,
    });
    expect(parseOptions(['--rest-changes=5'], '/out').restChanges).toBe(5);
    expect(() => parseOptions(['--read-mode', 'poll'], '/out')).toThrow(/--read-mode takes stream or per-rep/);
    expect(() => parseOptions(['--rest-changes', '-1'], '/out')).toThrow(
      /--rest-changes must be a whole number, 0 or more/,
    );
  });

  it('runs the steady state three times with one process of each consumer unless told otherwise', () => {
    expect(parseOptions([], '/out')).toMatchObject({ steadyRuns: 3, replicas: 1 });
    expect(parseOptions(['--steady-runs', '1', '--replicas=2'], '/out')).toMatchObject({ steadyRuns: 1, replicas: 2 });
    expect(() => parseOptions(['--steady-runs', '0'], '/out')).toThrow(/--steady-runs must be a whole number above 0/);
    expect(commandFor({ ...DEFAULTS, steadyRuns: 1, replicas: 2 })).toBe(
      'npm run bench -- --steady-runs 1 --replicas 2',
    );
  });

  it.each([
    [
      ['--idle-reps', '1,100'],
      [1, 100],
    ],
    [['--idle-reps=2'], [2]],
    [
      ['--idle-reps', ' 5, 10 '],
      [5, 10],
    ],
    [['--idle-reps', 'none'], []],
    [['--idle-reps', '0'], []],
  ])('%j → idle reps %j', (argv, reps) => {
    expect(parseOptions(argv, '/out').idleReps).toEqual(reps);
  });

  it.each([['1,,2'], ['-1'], ['1.5'], ['a']])('refuses --idle-reps %s', (value) => {
    expect(() => parseOptions(['--idle-reps', value], '/out')).toThrow(/--idle-reps takes whole numbers above 0/);
  });
});

describe('commandFor', () => {
  it('names only what differs from the defaults, the idle reps included', () => {
    expect(commandFor({ ...DEFAULTS, idleReps: [1, 100, 1000] })).toBe('npm run bench');
    expect(commandFor({ ...DEFAULTS, tasks: 2000, idleReps: [1, 10] })).toBe(
      'npm run bench -- --tasks 2000 --idle-reps 1,10',
    );
    expect(commandFor({ ...DEFAULTS, idleReps: [] })).toBe('npm run bench -- --idle-reps none');
    expect(commandFor({ ...DEFAULTS, readMode: 'stream', restChanges: 30 })).toBe('npm run bench');
    expect(commandFor({ ...DEFAULTS, readMode: 'per-rep', restChanges: 0 })).toBe(
      'npm run bench -- --read-mode per-rep --rest-changes 0',
    );
  });
});
