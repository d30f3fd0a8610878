import {
  READINESS_ADVICE,
  decideConnectionReadiness,
  isBlockingReadiness,
  type ReadinessFacts,
  type TaskAccessFacts,
} from './connection-readiness';

const FIELD_OK = { externalId: true, unique: true, createable: true, updateable: true };
const answered = <T>(value: T) => ({ kind: 'answered' as const, value });
const facts = (task: Partial<TaskAccessFacts> = {}, rest: Partial<ReadinessFacts> = {}): ReadinessFacts => ({
  task: answered({ createable: true, updateable: true, field: FIELD_OK, ...task }),
  taskStatus: answered(true),
  ...rest,
});
const stateOf = (f: ReadinessFacts) => {
  const outcome = decideConnectionReadiness(f);
  return outcome.kind === 'checked' ? outcome.state : outcome.kind;
};

describe('decideConnectionReadiness', () => {
  it('ready: Task readable, createable and editable, TaskStatus readable, the field visible, External ID, Unique and writable', () => {
    expect(decideConnectionReadiness(facts())).toEqual({ kind: 'checked', state: 'ready' });
  });

  it("missing-external-id-field: not in the rep's describe and not among the org's custom fields", () => {
    expect(stateOf(facts({ field: null }, { fieldInOrg: answered(false) }))).toBe('missing-external-id-field');
  });

  it('missing-external-id-field: Salesforce would not list the custom fields (no View Setup): deploying is the first step, said with why', () => {
    const outcome = decideConnectionReadiness(
      facts(
        { field: null },
        { fieldInOrg: { kind: 'refused', code: 'INSUFFICIENT_ACCESS', message: 'no View Setup' } },
      ),
    );
    expect(outcome).toEqual({
      kind: 'checked',
      state: 'missing-external-id-field',
      detail: expect.stringContaining('INSUFFICIENT_ACCESS'),
    });
  });

  it("external-id-field-hidden: the org has the field but the rep's describe leaves it out (field-level security, permission set not assigned)", () => {
    expect(stateOf(facts({ field: null }, { fieldInOrg: answered(true) }))).toBe('external-id-field-hidden');
  });

  it('field-not-external-id: visible but not External ID (an upsert by it is INVALID_FIELD)', () => {
    expect(stateOf(facts({ field: { ...FIELD_OK, externalId: false, unique: false } }))).toBe('field-not-external-id');
  });

  it('field-not-unique: External ID but not Unique (an upsert matching two tasks answers HTTP 300)', () => {
    expect(stateOf(facts({ field: { ...FIELD_OK, unique: false } }))).toBe('field-not-unique');
  });

  it('external-id-field-read-only: visible but not createable or not updateable for the rep', () => {
    expect(stateOf(facts({ field: { ...FIELD_OK, updateable: false } }))).toBe('external-id-field-read-only');
    expect(stateOf(facts({ field: { ...FIELD_OK, createable: false } }))).toBe('external-id-field-read-only');
  });

  it.each([
    [
      'describe of Task refused',
      facts({}, { task: { kind: 'refused', code: 'INSUFFICIENT_ACCESS', message: 'no access to Task' } }),
    ],
    ['Task not createable', facts({ createable: false })],
    ['Task not updateable', facts({ updateable: false })],
    ['Task not readable', facts({ readable: false })],
    [
      'TaskStatus refused',
      facts({}, { taskStatus: { kind: 'refused', code: 'INSUFFICIENT_ACCESS', message: 'TaskStatus' } }),
    ],
    ['no TaskStatus row seen', facts({}, { taskStatus: answered(false) })],
  ])('no-task-access: %s (before any field check)', (_name, f) => {
    expect(
      stateOf({
        ...f,
        task: f.task.kind === 'answered' ? { ...f.task, value: { ...f.task.value, field: null } } : f.task,
      }),
    ).toBe('no-task-access');
  });

  it.each([
    ['describe unavailable', facts({}, { task: { kind: 'unavailable', code: 'ERROR_HTTP_503', message: 'down' } })],
    [
      'TaskStatus unavailable',
      facts({}, { taskStatus: { kind: 'unavailable', code: 'REQUEST_LIMIT_EXCEEDED', message: 'limit' } }),
    ],
    [
      'CustomField unavailable',
      facts({ field: null }, { fieldInOrg: { kind: 'unavailable', code: 'NETWORK', message: 'reset' } }),
    ],
    ['CustomField not asked', facts({ field: null })],
  ])('inconclusive: %s (the last state stands; a blip pauses nothing)', (_name, f) => {
    expect(decideConnectionReadiness(f)).toMatchObject({ kind: 'inconclusive', reason: expect.any(String) });
  });

  it('every state but ready pauses, and each has a sentence saying what to do', () => {
    expect(isBlockingReadiness('ready')).toBe(false);
    expect(isBlockingReadiness(null)).toBe(false);
    expect(isBlockingReadiness('field-not-unique')).toBe(true);
    expect(READINESS_ADVICE['missing-external-id-field']).toMatch(
      /npm run sfdc:deploy.*Sales Connect Task Sync.*Check again/,
    );
    expect(READINESS_ADVICE['external-id-field-hidden']).toMatch(/permission set "Sales Connect Task Sync"/);
    expect(READINESS_ADVICE['no-task-access']).toMatch(/administrator.*Tasks/);
  });
});
