import { eventually, waitFor } from './wait';

// Both helpers share one loop: these pin what each gives back and how each one fails.
describe('waitFor', () => {
  it('returns the first value that is neither undefined nor false, trying again after a throw', async () => {
    const answers: (() => number | undefined | false)[] = [
      () => undefined,
      () => false,
      () => {
        throw new Error('not yet');
      },
      () => 7,
    ];
    let calls = 0;
    await expect(waitFor('seven', () => answers[calls++](), 1_000, 1)).resolves.toBe(7);
    expect(calls).toBe(4);
  });

  it('names what it waited for and the last error on timeout', async () => {
    let calls = 0;
    const probe = () => {
      calls++;
      if (calls === 1) throw new Error('first failure');
      return undefined;
    };
    await expect(waitFor('the row', probe, 20, 1)).rejects.toThrow('timed out waiting for the row: first failure');
  });
});

describe('eventually', () => {
  it('returns what the check returned once it stops throwing, undefined included', async () => {
    let calls = 0;
    await expect(
      eventually(
        'the check',
        async () => {
          if (++calls < 3) throw new Error('no');
          return undefined;
        },
        1_000,
        1,
      ),
    ).resolves.toBeUndefined();
    expect(calls).toBe(3);
  });

  it('throws the last failure with what and how long in front', async () => {
    await expect(
      eventually(
        'both sides equal',
        async () => {
          throw new Error('Salesforce: []');
        },
        20,
        1,
      ),
    ).rejects.toThrow('both sides equal: not within 0.02 s.\nSalesforce: []');
  });
});
