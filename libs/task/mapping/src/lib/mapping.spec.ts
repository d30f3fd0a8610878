import fc from 'fast-check';
import { CalendarDate, SalesConnectTask, SfdcTask, TaskFields } from '@task-sync/task-domain';
import { equalUnderMapping, viewAsSfdc } from './field-views';
import { fingerprintFields } from './fingerprint';
import { mapFieldsToSalesConnectWrite, mapSalesConnectTaskToFields } from './salesconnect-task.mapper';
import { mapFieldsToSfdcWrite, mapSfdcTaskToFields, SfdcTaskWrite } from './sfdc-task.mapper';
import { fitSubject } from './text-limits';

const CLOSED = new Set(['Completed']);

function sfdcTask(overrides: Partial<SfdcTask> = {}): SfdcTask {
  return {
    Id: '00T000000000001AAA',
    Subject: 'Call Ana',
    Description: '',
    ActivityDate: '2026-11-25' as CalendarDate,
    Status: 'Not Started',
    IsClosed: false,
    Priority: 'Normal',
    TaskSubtype: 'Call',
    WhoId: null,
    WhoEmail: null,
    OwnerId: '005000000000001AAA',
    SalesConnect_Task_Id__c: null,
    CreatedDate: '2026-11-24T10:00:00.000Z',
    LastModifiedDate: '2026-11-24T10:00:00.000Z',
    SystemModstamp: '2026-11-24T10:00:00.000Z',
    IsDeleted: false,
    ...overrides,
  };
}

function scTask(overrides: Partial<SalesConnectTask> = {}): SalesConnectTask {
  return {
    id: 'sct_1',
    ownerId: 'u1',
    name: 'Call Ana',
    details: '',
    dueDate: '2026-11-25' as CalendarDate,
    status: 'Open',
    priority: 'Normal',
    type: 'call',
    contactEmail: null,
    version: 1,
    createdAt: '2026-11-24T10:00:00.000Z',
    updatedAt: '2026-11-24T10:00:00.000Z',
    completedAt: null,
    createdBy: 'salesconnect-ui',
    lastModifiedBy: 'salesconnect-ui',
    ...overrides,
  };
}

/** What Salesforce would hold after a write (as a fresh task), with IsClosed from its statuses. */
function applySfdcWrite(write: SfdcTaskWrite): SfdcTask {
  const status = write.Status ?? 'Not Started';
  return sfdcTask({
    Subject: write.Subject ?? null,
    Description: write.Description ?? null,
    ActivityDate: write.ActivityDate ?? null,
    Status: status,
    IsClosed: CLOSED.has(status),
    Priority: write.Priority ?? 'Normal',
    TaskSubtype: write.TaskSubtype ?? 'Task',
    WhoEmail: write.WhoEmail ?? null,
  });
}

const calendarDateArb = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10) as CalendarDate);
const fieldsArb: fc.Arbitrary<TaskFields> = fc.record({
  title: fc.string({ maxLength: 400, unit: 'grapheme' }),
  details: fc.string({ maxLength: 200 }),
  dueDate: fc.option(calendarDateArb, { nil: null }),
  open: fc.boolean(),
  priority: fc.constantFrom('normal' as const, 'high' as const),
  type: fc.constantFrom('call' as const, 'email' as const, 'other' as const),
  contactEmail: fc.option(
    fc.emailAddress().map((e) => e.toLowerCase()),
    { nil: null },
  ),
});

describe('Salesforce task → synced fields', () => {
  it.each([
    ['Not Started', false, true],
    ['In Progress', false, true],
    ['Waiting on someone else', false, true],
    ['Deferred', false, true],
    ['Completed', true, false],
    // An org's own closed status: IsClosed decides, not the label.
    ['Done and dusted', true, false],
  ])('status %s (IsClosed %s) is open: %s', (Status, IsClosed, open) => {
    expect(mapSfdcTaskToFields(sfdcTask({ Status, IsClosed })).open).toBe(open);
  });

  it.each([
    ['High', 'high'],
    ['Normal', 'normal'],
    ['Low', null],
  ])('priority %s maps to %s', (Priority, priority) => {
    expect(mapSfdcTaskToFields(sfdcTask({ Priority })).priority).toBe(priority);
  });

  it.each([
    ['Call', 'call'],
    ['Email', 'email'],
    ['Task', 'other'],
    [null, 'other'],
  ])('subtype %s maps to type %s', (TaskSubtype, type) => {
    expect(mapSfdcTaskToFields(sfdcTask({ TaskSubtype })).type).toBe(type);
  });

  it('keeps ActivityDate as the same calendar date and reads the contact e-mail case-insensitively', () => {
    const fields = mapSfdcTaskToFields(
      sfdcTask({ ActivityDate: '2026-12-31' as CalendarDate, WhoEmail: ' Ana@Example.COM ' }),
    );
    expect(fields.dueDate).toBe('2026-12-31');
    expect(fields.contactEmail).toBe('ana@example.com');
  });
});

describe('Sales Connect task ↔ synced fields', () => {
  it.each([
    [
      { status: 'Open' as const, priority: 'Normal' as const },
      { open: true, priority: 'normal' },
    ],
    [
      { status: 'Complete' as const, priority: 'High' as const },
      { open: false, priority: 'high' },
    ],
  ])('%j reads as %j', (task, expected) => {
    expect(mapSalesConnectTaskToFields(scTask(task))).toMatchObject(expected);
  });

  it.each([
    [{ open: false }, { status: 'Complete' }],
    [{ open: true }, { status: 'Open' }],
    [{ priority: 'high' as const }, { priority: 'High' }],
    [{ priority: null }, {}],
    [
      { title: 'x', dueDate: null },
      { name: 'x', dueDate: null },
    ],
  ])('%j writes %j', (fields, write) => {
    expect(mapFieldsToSalesConnectWrite(fields)).toEqual(write);
  });
});

describe('synced fields → Salesforce write', () => {
  it('writes only the fields given: an open status is never overwritten while Sales Connect says Open', () => {
    expect(mapFieldsToSfdcWrite({ title: 'New title' })).toEqual({ Subject: 'New title' });
  });

  it.each([
    [{ open: true }, { Status: 'Not Started' }],
    [{ open: false }, { Status: 'Completed' }],
    [{ priority: 'high' as const }, { Priority: 'High' }],
    [{ priority: 'normal' as const }, { Priority: 'Normal' }],
    [{ priority: null }, {}],
    [{ type: 'other' as const }, { TaskSubtype: 'Task' }],
    [{ dueDate: '2027-01-01' as CalendarDate }, { ActivityDate: '2027-01-01' }],
  ])('%j → %j', (fields, write) => {
    expect(mapFieldsToSfdcWrite(fields)).toEqual(write);
  });

  it('never writes Low', () => {
    fc.assert(
      fc.property(fieldsArb, (fields) => {
        expect(mapFieldsToSfdcWrite(fields).Priority).not.toBe('Low');
      }),
    );
  });

  it('cuts a name longer than Subject allows to 255 characters ending in an ellipsis', () => {
    const name = 'x'.repeat(300);
    const subject = mapFieldsToSfdcWrite({ title: name }).Subject ?? '';
    expect(subject).toHaveLength(255);
    expect(subject.endsWith('…')).toBe(true);
    expect(subject.startsWith('x'.repeat(254))).toBe(true);
    expect(mapFieldsToSfdcWrite({ details: 'y'.repeat(40_000) }).Description ?? '').toHaveLength(32_000);
  });

  it('counts UTF-16 code units as Salesforce does (an emoji is two), and never cuts a surrogate pair in half', () => {
    const emoji = fitSubject('😀'.repeat(300));
    expect(emoji).toHaveLength(255);
    expect(emoji).toBe('😀'.repeat(127) + '…');
    // Offset by one unit, the 255th unit would be the first half of an emoji: the cut ends before it.
    const offset = fitSubject('x' + '😀'.repeat(300));
    expect(offset).toBe('x' + '😀'.repeat(126) + '…');
    expect(offset).toHaveLength(254);
    expect(/[\uD800-\uDBFF]…$/.test(offset)).toBe(false);
    expect(fitSubject('😀'.repeat(127) + 'x')).toBe('😀'.repeat(127) + 'x');
  });

  it('the cut Subject coming back unchanged is the same task under the mapping (the full name stays)', () => {
    const fields = mapSalesConnectTaskToFields(scTask({ name: 'z'.repeat(300) }));
    const stored = applySfdcWrite(mapFieldsToSfdcWrite(fields));
    expect(equalUnderMapping(fields, mapSfdcTaskToFields(stored))).toBe(true);
  });
});

describe('properties', () => {
  it("Salesforce round trip is stable: what is written reads back as Salesforce's view of it", () => {
    fc.assert(
      fc.property(fieldsArb, (fields) => {
        const read = mapSfdcTaskToFields(applySfdcWrite(mapFieldsToSfdcWrite(fields)));
        expect(read).toEqual(viewAsSfdc(fields));
        expect(equalUnderMapping(fields, read)).toBe(true);
        // and a second round trip changes nothing
        expect(mapSfdcTaskToFields(applySfdcWrite(mapFieldsToSfdcWrite(read)))).toEqual(read);
      }),
    );
  });

  it('Sales Connect round trip is the identity', () => {
    fc.assert(
      fc.property(fieldsArb, (fields) => {
        const write = mapFieldsToSalesConnectWrite(fields);
        const task = scTask({
          name: write.name,
          details: write.details,
          dueDate: write.dueDate ?? null,
          status: write.status,
          priority: write.priority,
          type: write.type,
          contactEmail: write.contactEmail ?? null,
        });
        expect(mapSalesConnectTaskToFields(task)).toEqual(fields);
      }),
    );
  });

  it('the due date is copied as text: never moved, whatever the process time zone', () => {
    fc.assert(
      fc.property(
        calendarDateArb,
        fc.constantFrom('UTC', 'Pacific/Auckland', 'America/Los_Angeles', 'Asia/Kathmandu'),
        (date, zone) => {
          // eslint-disable-next-line no-restricted-properties -- varying the process zone is the test
          const env = process.env;
          const previous = env['TZ'];
          env['TZ'] = zone;
          try {
            expect(mapFieldsToSfdcWrite({ dueDate: date }).ActivityDate).toBe(date);
            expect(mapSfdcTaskToFields(sfdcTask({ ActivityDate: date })).dueDate).toBe(date);
            expect(mapSalesConnectTaskToFields(scTask({ dueDate: date })).dueDate).toBe(date);
          } finally {
            env['TZ'] = previous;
          }
        },
      ),
    );
  });

  it('the fingerprint is stable for equal fields and tells different fields apart', () => {
    fc.assert(
      fc.property(fieldsArb, fieldsArb, (a, b) => {
        expect(fingerprintFields({ ...a })).toBe(fingerprintFields(a));
        if (JSON.stringify(a) !== JSON.stringify(b)) expect(fingerprintFields(a)).not.toBe(fingerprintFields(b));
      }),
    );
  });
});
