import type { ProbeAnswer } from '@task-sync/sfdc-client';
import {
  assembleReaderPreflight,
  runReaderPreflight,
  type PreflightAnswers,
  type ReaderChecks,
} from './reader-preflight';

const at = new Date('2026-12-04T12:00:00Z');
const yes: ProbeAnswer<boolean> = { kind: 'answered', value: true };
const no: ProbeAnswer<boolean> = { kind: 'answered', value: false };
const refused: ProbeAnswer<boolean> = {
  kind: 'refused',
  code: 'INSUFFICIENT_ACCESS',
  message: 'insufficient access rights on cross-reference id',
};
const unavailable: ProbeAnswer<boolean> = { kind: 'unavailable', code: 'SERVER_UNAVAILABLE', message: 'try later' };
const all = (answer: ProbeAnswer<boolean>): PreflightAnswers => ({
  'view-all-data': answer,
  'task-change-data-capture': answer,
  'external-id-field': answer,
});

const checked = (answers: PreflightAnswers) => {
  const outcome = assembleReaderPreflight(answers, 'reader@acme.test', at);
  if (outcome.kind !== 'checked') throw new Error(`expected a preflight, got ${outcome.reason}`);
  return outcome.preflight;
};

describe('assembleReaderPreflight: each item ok only when Salesforce answered yes', () => {
  it('passes with three yeses, each item saying what was found', () => {
    expect(checked(all(yes))).toEqual({
      passed: true,
      checkedAt: '2026-12-04T12:00:00.000Z',
      items: [
        { key: 'view-all-data', label: 'View All Data', state: 'ok', message: 'reader@acme.test has View All Data.' },
        {
          key: 'task-change-data-capture',
          label: 'Change Data Capture for Task',
          state: 'ok',
          message: 'Task is selected for Change Data Capture.',
        },
        {
          key: 'external-id-field',
          label: 'SalesConnect_Task_Id__c readable',
          state: 'ok',
          message: 'reader@acme.test can read Task.SalesConnect_Task_Id__c.',
        },
      ],
    });
  });

  it.each([
    ['View All Data', 'view-all-data', /lacks View All Data.*permission set/],
    ['Task not selected for Change Data Capture', 'task-change-data-capture', /Setup → Change Data Capture/],
    ['the field hidden or absent', 'external-id-field', /field-level security/],
  ] as const)('fails on a no for %s, saying what to do, and only that item is missing', (_, key, message) => {
    const preflight = checked({ ...all(yes), [key]: no });
    expect(preflight.passed).toBe(false);
    expect(preflight.items.filter((i) => i.state === 'missing')).toEqual([
      expect.objectContaining({ key, message: expect.stringMatching(message) }),
    ]);
  });

  it('counts a question Salesforce refused to answer as missing, with its reason', () => {
    const preflight = checked({ ...all(yes), 'task-change-data-capture': refused });
    expect(preflight.passed).toBe(false);
    expect(preflight.items[1]).toMatchObject({
      state: 'missing',
      message: expect.stringMatching(/INSUFFICIENT_ACCESS.*View Setup and Configuration/),
    });
  });

  it('stores nothing when an answer did not come: the run is inconclusive, naming the check', () => {
    const outcome = assembleReaderPreflight({ ...all(yes), 'external-id-field': unavailable }, 'reader@acme.test', at);
    expect(outcome).toEqual({
      kind: 'inconclusive',
      reason: expect.stringMatching(/SalesConnect_Task_Id__c readable: SERVER_UNAVAILABLE/),
    });
    expect(assembleReaderPreflight({ ...all(no), 'view-all-data': unavailable }, 'r', at).kind).toBe('inconclusive');
  });

  it('keeps a long Salesforce message to one line', () => {
    const long: ProbeAnswer<boolean> = {
      kind: 'refused',
      code: 'MALFORMED_QUERY',
      message: `\nSELECT x\n^\n${'y'.repeat(500)}`,
    };
    const message = checked({ ...all(yes), 'view-all-data': long }).items[0].message;
    expect(message).not.toContain('\n');
    expect(message.length).toBeLessThan(400);
  });
});

describe('runReaderPreflight', () => {
  it('asks the three questions in two calls (View All Data and the field in one), each answer to its item', async () => {
    const asked: string[] = [];
    const checks: ReaderChecks = {
      readViewAllDataAndExternalIdField: async () => (
        asked.push('view-all-data and field'),
        { viewAllData: yes, externalIdField: no }
      ),
      readTaskChangeEventSelection: async () => (asked.push('cdc'), yes),
    };
    const outcome = await runReaderPreflight(checks, 'reader@acme.test', () => at);
    expect(asked).toEqual(['view-all-data and field', 'cdc']);
    expect(outcome).toMatchObject({ kind: 'checked', preflight: { passed: false, checkedAt: at.toISOString() } });
    const states =
      outcome.kind === 'checked' ? Object.fromEntries(outcome.preflight.items.map((i) => [i.key, i.state])) : {};
    expect(states).toEqual({ 'view-all-data': 'ok', 'task-change-data-capture': 'ok', 'external-id-field': 'missing' });
  });
});
