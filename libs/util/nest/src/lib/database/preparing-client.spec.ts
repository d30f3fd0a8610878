import { statementName } from './preparing-client';

describe('statementName', () => {
  it('names a text the same way every time, and two texts differently', () => {
    const a = 'SELECT $1::int';
    expect(statementName(a)).toBe(statementName(`SELECT ${'$1'}::int`));
    expect(statementName(a)).not.toBe(statementName('SELECT $1::text'));
    expect(statementName(a)).toMatch(/^ts_[0-9a-f]{24}$/);
  });
});
