import { mustParkChange, releasableParkedChanges } from './parking';

const NOW = Date.parse('2026-12-05T10:00:00.000Z');
const live = (changedAt: string, side: 'sfdc' | 'salesconnect' = 'salesconnect') => ({ side, changedAt });
const covered = (upTo: string) => ({ coveredUpTo: Date.parse(upTo), nowMs: NOW });

describe('R7 exact: a change parks until the view of the settings holds every setting change up to when it was made', () => {
  it('is decided when the view covers the instant it was made', () => {
    expect(mustParkChange(live('2026-12-05T09:59:59.000Z'), false, covered('2026-12-05T09:59:59.000Z'))).toBe(false);
  });

  it('parks when it was made after what the view covers', () => {
    expect(mustParkChange(live('2026-12-05T09:59:59.001Z'), false, covered('2026-12-05T09:59:59.000Z'))).toBe(true);
  });

  it("a Salesforce change stamped in whole seconds needs the view up to its second's last millisecond", () => {
    expect(mustParkChange(live('2026-12-05T09:59:58.000Z', 'sfdc'), false, covered('2026-12-05T09:59:58.998Z'))).toBe(
      true,
    );
    expect(mustParkChange(live('2026-12-05T09:59:58.000Z', 'sfdc'), false, covered('2026-12-05T09:59:58.999Z'))).toBe(
      false,
    );
  });

  it("an import needs the view up to its enable, even when the task's change is older", () => {
    const imported = {
      side: 'sfdc' as const,
      changedAt: '2026-12-04T12:00:00.000Z',
      enableAt: '2026-12-05T09:59:00.000Z',
    };
    expect(mustParkChange(imported, false, covered('2026-12-05T09:58:00.000Z'))).toBe(true);
    expect(mustParkChange(imported, false, covered('2026-12-05T09:59:00.000Z'))).toBe(false);
  });

  it('a change stamped further ahead of now than the settings may lag is decided on the view there is (a wrong clock never holds it for ever)', () => {
    expect(mustParkChange(live('2026-12-05T10:05:00.001Z'), false, covered('2026-12-05T09:00:00.000Z'))).toBe(false);
  });
});

describe("a connection's changes are decided in the order they came: after a parked one, they park too", () => {
  it('parks a change the view covers when its connection has changes parked already', () => {
    expect(mustParkChange(live('2026-12-05T09:00:00.000Z'), true, covered('2026-12-05T09:59:59.000Z'))).toBe(true);
  });

  it('releases the parked changes up to the first the view does not cover yet, in order', () => {
    const parked = [
      { id: '1', change: live('2026-12-05T09:00:00.000Z') },
      { id: '2', change: live('2026-12-05T09:30:00.000Z') },
      { id: '3', change: live('2026-12-05T09:59:59.500Z') },
      { id: '4', change: live('2026-12-05T09:10:00.000Z') },
    ];
    expect(releasableParkedChanges(parked, covered('2026-12-05T09:59:59.000Z')).map((p) => p.id)).toEqual(['1', '2']);
  });

  it('releases all of them once the view covers each, and none while it covers not the first', () => {
    const parked = [
      { id: '1', change: live('2026-12-05T09:59:59.500Z') },
      { id: '2', change: live('2026-12-05T09:00:00.000Z') },
    ];
    expect(releasableParkedChanges(parked, covered('2026-12-05T09:59:59.500Z')).map((p) => p.id)).toEqual(['1', '2']);
    expect(releasableParkedChanges(parked, covered('2026-12-05T09:59:59.000Z'))).toEqual([]);
  });
});
