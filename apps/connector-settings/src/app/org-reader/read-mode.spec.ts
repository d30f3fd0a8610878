import { decideReadMode, type OrgReaderState } from './read-mode';
import type { PreflightItem } from './reader-preflight';

const item = (label: string, state: PreflightItem['state']): PreflightItem => ({
  key: 'view-all-data',
  label,
  state,
  message: '',
});
const passed = { passed: true, items: [item('View All Data', 'ok'), item('Change Data Capture for Task', 'ok')] };
const reader: OrgReaderState = { sfdcUsername: 'integration@acme.test', connected: true, preflight: passed };

describe('decideReadMode: an org streams its changes only through a connected reader whose last preflight passed', () => {
  it('org stream, naming the reader, when the reader is connected and passed', () => {
    expect(decideReadMode(reader)).toEqual({
      mode: 'org-stream',
      reader: 'integration@acme.test',
      reason: expect.stringContaining('integration@acme.test'),
      stream: null,
    });
  });

  it.each([
    ['no reader for the org', null, /no org reader/],
    ['a reader whose grant Salesforce refused', { ...reader, connected: false }, /connect it again/],
    ['a reader never checked', { ...reader, preflight: null }, /not been checked/],
    [
      'a reader whose preflight failed, naming what is missing',
      {
        ...reader,
        preflight: {
          passed: false,
          items: [item('View All Data', 'missing'), item('Change Data Capture for Task', 'ok')],
        },
      },
      /lacks View All Data\.$/,
    ],
    [
      'a failed preflight with no item missing (stored by an older version)',
      { ...reader, preflight: { passed: false, items: [] } },
      /lacks what its preflight checks/,
    ],
  ])('per-rep polling, saying why: %s', (_, state, reason) => {
    const mode = decideReadMode(state as OrgReaderState | null);
    expect(mode.mode).toBe('per-rep-polling');
    expect(mode.reason).toMatch(reason);
  });

  it("while the org's stream is down or reconnecting, the org is still read once, and the reason says it is polled meanwhile, how often and why", () => {
    const down = {
      state: 'down' as const,
      reason: 'EVENT_LIMIT_EXCEEDED: 403::Organization total events daily limit exceeded',
      since: '2026-12-04T10:00:00.000Z',
      pollEveryMs: 30_000,
    };
    const mode = decideReadMode({ ...reader, stream: down });
    expect(mode).toMatchObject({ mode: 'org-stream', stream: down });
    expect(mode.reason).toMatch(
      /change stream is down since 2026-12-04T10:00:00.000Z \(EVENT_LIMIT_EXCEEDED.*\), so the org is polled every 30 s until it is back\.$/,
    );
    expect(decideReadMode({ ...reader, stream: { ...down, state: 'retrying' } }).reason).toMatch(
      /is reconnecting since/,
    );
    expect(decideReadMode({ ...reader, stream: { ...down, state: 'streaming' } }).reason).toBe(
      "The org's changes are read once, by integration@acme.test.",
    );
  });

  it('a disconnected reader polls even when its last preflight had passed', () => {
    expect(decideReadMode({ ...reader, connected: false }).mode).toBe('per-rep-polling');
  });
});
