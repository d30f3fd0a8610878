/**
 * The connection's preflight. Every read selects the external-id field and every create upserts on it,
 * so without it every poll and write fails with INVALID_FIELD: the connection pauses in a named state.
 */

/** The product's external-id field on Task (the salesforce/ package deploys it). */
export const READINESS_FIELD = 'SalesConnect_Task_Id__c';

/** The permission set the package ships, as Setup lists it. */
export const READINESS_PERMISSION_SET_LABEL = 'Sales Connect Task Sync';

/** A connection's preflight states; every state but `ready` pauses the connection's reads and writes. */
export const CONNECTION_READINESS_STATES = [
  'ready',
  'no-task-access',
  'missing-external-id-field',
  'external-id-field-hidden',
  'field-not-external-id',
  'field-not-unique',
  'external-id-field-read-only',
] as const;

export type ConnectionReadiness = (typeof CONNECTION_READINESS_STATES)[number];

export type BlockingReadiness = Exclude<ConnectionReadiness, 'ready'>;

/** `refused`: Salesforce's own error (the check fails); `unavailable`: no answer this time. */
export type ReadinessAnswer<T> =
  | { kind: 'answered'; value: T }
  | { kind: 'refused'; code: string; message: string }
  | { kind: 'unavailable'; code: string; message: string };

/** What describe of Task says to the rep: the object's rights and the external-id field as they see it (null: not in their describe). */
export interface TaskAccessFacts {
  readable?: boolean;
  createable: boolean;
  updateable: boolean;
  field: { externalId: boolean; unique: boolean; createable: boolean; updateable: boolean } | null;
}

/** The preflight's questions, asked as the connection's rep. */
export interface ReadinessFacts {
  task: ReadinessAnswer<TaskAccessFacts>;
  /** TaskStatus is readable (the org's statuses, which writes choose from). */
  taskStatus: ReadinessAnswer<boolean>;
  /** Whether the org has the field at all (the Tooling API's CustomField), asked only when the rep's describe lacks it. */
  fieldInOrg?: ReadinessAnswer<boolean>;
}

export type ReadinessOutcome =
  { kind: 'checked'; state: ConnectionReadiness; detail?: string } | { kind: 'inconclusive'; reason: string };

const said = (a: { code: string; message: string }) =>
  `${a.code}: ${a.message.replace(/\s+/g, ' ').trim()}`.slice(0, 240);

/** A missing answer makes the run inconclusive, so a blip never pauses a working connection. */
export function decideConnectionReadiness(facts: ReadinessFacts): ReadinessOutcome {
  const { task, taskStatus } = facts;
  if (task.kind === 'unavailable') return { kind: 'inconclusive', reason: `describe of Task: ${said(task)}` };
  if (task.kind === 'refused')
    return { kind: 'checked', state: 'no-task-access', detail: `Salesforce refused describe of Task (${said(task)})` };
  const access = task.value;
  const missingRights = [
    access.readable === false && 'read',
    !access.createable && 'create',
    !access.updateable && 'edit',
  ].filter(Boolean);
  if (missingRights.length > 0)
    return { kind: 'checked', state: 'no-task-access', detail: `cannot ${missingRights.join(' or ')} tasks` };
  if (taskStatus.kind === 'unavailable') return { kind: 'inconclusive', reason: `TaskStatus: ${said(taskStatus)}` };
  if (taskStatus.kind === 'refused')
    return { kind: 'checked', state: 'no-task-access', detail: `cannot read Task statuses (${said(taskStatus)})` };
  if (!taskStatus.value) return { kind: 'checked', state: 'no-task-access', detail: 'sees no Task status' };
  const field = access.field;
  if (!field) {
    const inOrg = facts.fieldInOrg;
    if (!inOrg) return { kind: 'inconclusive', reason: 'whether the org has the field was not asked' };
    if (inOrg.kind === 'unavailable') return { kind: 'inconclusive', reason: `CustomField: ${said(inOrg)}` };
    if (inOrg.kind === 'answered' && inOrg.value) return { kind: 'checked', state: 'external-id-field-hidden' };
    // Not in the org, or Salesforce would not say (no View Setup): deploying the package is the first step either way.
    return {
      kind: 'checked',
      state: 'missing-external-id-field',
      ...(inOrg.kind === 'refused'
        ? { detail: `Salesforce would not list the org's custom fields (${said(inOrg)})` }
        : {}),
    };
  }
  if (!field.externalId) return { kind: 'checked', state: 'field-not-external-id' };
  if (!field.unique) return { kind: 'checked', state: 'field-not-unique' };
  if (!field.createable || !field.updateable) return { kind: 'checked', state: 'external-id-field-read-only' };
  return { kind: 'checked', state: 'ready' };
}

const ASSIGN = `ask a Salesforce administrator to assign you the permission set "${READINESS_PERMISSION_SET_LABEL}" (Setup → Permission Sets → ${READINESS_PERMISSION_SET_LABEL} → Manage Assignments)`;
const DEPLOY =
  'ask a Salesforce administrator to deploy the Sales Connect package to your org (npm run sfdc:deploy, see "Installing in a Salesforce org")';

/** What the settings page says for each state: what is wrong, and what to do about it. */
export const READINESS_ADVICE: Record<ConnectionReadiness, string> = {
  ready: 'Your Salesforce user can sync tasks.',
  'no-task-access':
    'Your Salesforce user cannot read, create and edit tasks: ask a Salesforce administrator to give your profile or a permission set Read, Create and Edit on Tasks, then click Check again.',
  'missing-external-id-field': `Your Salesforce org does not have the field Task.${READINESS_FIELD} that sync needs: ${DEPLOY} and to assign you the permission set "${READINESS_PERMISSION_SET_LABEL}", then click Check again.`,
  'external-id-field-hidden': `The field Task.${READINESS_FIELD} is hidden from your Salesforce user: ${ASSIGN}, then click Check again.`,
  'field-not-external-id': `The field Task.${READINESS_FIELD} is not marked External ID, so tasks cannot be matched: ${DEPLOY} (it marks the field External ID and Unique), then click Check again.`,
  'field-not-unique': `The field Task.${READINESS_FIELD} is not marked Unique, so one Sales Connect task could match two Salesforce tasks: ${DEPLOY} (it makes the field Unique), then click Check again.`,
  'external-id-field-read-only': `The field Task.${READINESS_FIELD} is read-only for your Salesforce user: ${ASSIGN} (it grants edit), then click Check again.`,
};

export const isBlockingReadiness = (state: ConnectionReadiness | null | undefined): state is BlockingReadiness =>
  state != null && state !== 'ready';
