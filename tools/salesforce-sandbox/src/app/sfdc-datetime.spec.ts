import { formatSfdcDateTime, isValidDate, parseSfdcDateTime, toWholeSecond } from './sfdc-datetime';

describe('Salesforce date and datetime text', () => {
  it.each([
    ['2026-11-24T10:00:00Z', '2026-11-24T10:00:00.000Z'],
    ['2026-11-24T10:00:00.000+0000', '2026-11-24T10:00:00.000Z'],
    ['2026-11-24T10:00:00+00:00', '2026-11-24T10:00:00.000Z'],
    ['2026-11-24T10:00:00.5-0230', '2026-11-24T12:30:00.500Z'],
  ])('%s is %s', (text, iso) => {
    expect(new Date(parseSfdcDateTime(text) as number).toISOString()).toBe(iso);
  });

  it.each(['2026-11-24', '2026-02-30T10:00:00Z', '2026-11-24T25:00:00Z', 'soon'])('%s is not a datetime', (text) => {
    expect(parseSfdcDateTime(text)).toBeNull();
  });

  it('formats as Salesforce does', () => {
    expect(formatSfdcDateTime(Date.parse('2026-11-24T10:00:00Z'))).toBe('2026-11-24T10:00:00.000+0000');
  });

  it.each([
    ['2026-11-24', true],
    ['2028-02-29', true],
    ['2026-02-29', false],
    ['2026-11-24T00:00:00Z', false],
  ])('%s is a date: %s', (text, ok) => {
    expect(isValidDate(text)).toBe(ok);
  });

  it('stamps drop their milliseconds, as Salesforce stores datetimes', () => {
    expect(formatSfdcDateTime(toWholeSecond(Date.parse('2026-11-24T12:00:31.999Z')))).toBe(
      '2026-11-24T12:00:31.000+0000',
    );
    expect(toWholeSecond(Date.parse('2026-11-24T12:00:31.000Z'))).toBe(Date.parse('2026-11-24T12:00:31Z'));
    expect(toWholeSecond(-1)).toBe(-1000);
  });
});
