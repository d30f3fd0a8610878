import { describeDetails, describeKind, inOrder, taskName } from './timeline';
import type { TimelineEvent } from './api/types';

describe('the task timeline', () => {
  it.each([
    [{ kind: 'read', side: 'sfdc' }, 'Change read from Salesforce'],
    [{ kind: 'write', side: 'salesconnect' }, 'Write to Sales Connect'],
    [{ kind: 'retry', side: 'sfdc' }, 'Retry to Salesforce'],
    [{ kind: 'conflict', side: null }, 'Conflict'],
    [{ kind: 'dead-letter', side: 'salesconnect' }, 'Dead letter (Sales Connect)'],
    [{ kind: 'something-new', side: null }, 'something-new'],
  ] as const)('%p reads %p', (event, text) => {
    expect(describeKind(event)).toBe(text);
  });

  it('details say the origin, the rule’s reason and the outcome with its code', () => {
    expect(describeDetails({ origin: 'stream', reason: 'R3: Salesforce is newer', outcome: null, code: null })).toBe(
      'origin: stream · why: R3: Salesforce is newer',
    );
    expect(describeDetails({ origin: null, reason: null, outcome: 'failed', code: 'FIELD_INTEGRITY' })).toBe(
      'outcome: failed (FIELD_INTEGRITY)',
    );
  });

  it('names a task without a subject by its ids', () => {
    expect(taskName({ subject: null, sfdcTaskId: '00T1', salesConnectTaskId: 'sc1' })).toBe('(no subject: 00T1)');
    expect(taskName({ subject: 'Call Ana', sfdcTaskId: null, salesConnectTaskId: null })).toBe('Call Ana');
  });

  it('keeps events oldest first, equal times in arrival order', () => {
    const e = (at: string, summary: string) => ({ at, summary }) as TimelineEvent;
    expect(
      inOrder([e('2026-01-02T00:00:00Z', 'c'), e('2026-01-01T00:00:00Z', 'a'), e('2026-01-01T00:00:00Z', 'b')]).map(
        (x) => x.summary,
      ),
    ).toEqual(['a', 'b', 'c']);
  });
});
