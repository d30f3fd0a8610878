import { z } from 'zod';
import type { OrgState } from '../org.store';
import { KEY_PREFIX } from '../salesforce-id';
import { buildCustomField, newCustomField, type NewCustomField } from '../org-shape';
import { isCustomField, isPermissionable, type FieldDef, type FieldType } from '../sobject-schema';
import { childrenOf, parseMetadataXml, textOf, textsOf, type MetadataZip, type XmlNode } from './metadata-package';
import type { FieldPermission, PermissionSetRecord } from './permission-sets';

/** One component's line in a DeployResult's details (Salesforce's DeployMessage). */
export interface DeployMessage {
  changed: boolean;
  componentType: string;
  created: boolean;
  createdDate: string;
  deleted: boolean;
  fileName: string;
  fullName: string;
  id?: string;
  problem?: string;
  problemType?: 'Error' | 'Warning';
  success: boolean;
}

/** What a deploy would do: each component's outcome, and the changes to commit (none when any failed and rollbackOnError). */
export interface DeployPlan {
  successes: DeployMessage[];
  failures: DeployMessage[];
  /** Applies the successful components to the org. */
  commit(): void;
}

/** The Metadata API's field types the sandbox models, as the org-shape API names them. */
const FIELD_TYPES: Record<string, FieldType> = {
  Text: 'string',
  Email: 'email',
  Checkbox: 'boolean',
  Date: 'date',
  DateTime: 'datetime',
  LongTextArea: 'textarea',
  Number: 'int',
};

/** Task's custom fields are Activity's (Setup → Object Manager → Activity): Task and Event share them. */
const ACTIVITY = 'Activity';

const notFoundInZip = (member: string, type: string) =>
  `An object '${member}' of type ${type} was named in package.xml, but was not found in zipped directory`;

/** The org-shape input a `<fields>` element describes; a problem's text when it is not one the sandbox models. */
function customFieldInput(name: string, field: XmlNode): NewCustomField | string {
  const type = textOf(field, 'type');
  if (type === undefined || !(type in FIELD_TYPES))
    return `The sandbox does not model custom fields of type ${type ?? '(none)'}`;
  const label = textOf(field, 'label');
  if (!label) return 'Must specify a non-empty label for the CustomField';
  if (type === 'Number' && Number(textOf(field, 'scale') ?? '0') !== 0)
    return 'The sandbox models Number fields without decimals only (scale 0)';
  const flag = (n: string) => textOf(field, n) === 'true';
  const length = textOf(field, 'length');
  const parsed = newCustomField.safeParse({
    name,
    label,
    type: FIELD_TYPES[type],
    ...(length !== undefined && (type === 'Text' || type === 'LongTextArea') ? { length: Number(length) } : {}),
    externalId: flag('externalId'),
    unique: flag('unique'),
    required: flag('required'),
  });
  return parsed.success ? parsed.data : z.prettifyError(parsed.error);
}

/** Live tasks sharing a value of the field, compared case-insensitively as Unique does. */
function hasDuplicates(org: OrgState, field: string): boolean {
  const seen = new Set<string>();
  for (const task of org.tasks.listByModstamp()) {
    const value = task.deletedAt === null ? task.fields[field] : null;
    if (value === null || value === undefined || value === '') continue;
    const key = String(value).toLowerCase();
    if (seen.has(key)) return true;
    seen.add(key);
  }
  return false;
}

const sameField = (a: FieldDef, b: FieldDef) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Plans a deploy of `zip` to `org`: package.xml's CustomField members (on Activity: the org's Task
 * fields) and PermissionSet members. Fields come first so a permission set may grant a field the
 * same deploy creates. Nothing changes until `commit()`.
 */
export async function planDeploy(
  org: OrgState,
  zip: MetadataZip,
  deps: { nextId: (prefix: string) => string; now: string },
): Promise<DeployPlan> {
  const successes: DeployMessage[] = [];
  const failures: DeployMessage[] = [];
  const message = (
    componentType: string,
    fullName: string,
    fileName: string,
    outcome: Partial<DeployMessage> = {},
  ): DeployMessage => ({
    changed: false,
    componentType,
    created: false,
    createdDate: deps.now,
    deleted: false,
    fileName,
    fullName,
    success: true,
    ...outcome,
  });
  const fail = (componentType: string, fullName: string, fileName: string, problem: string) =>
    failures.push(message(componentType, fullName, fileName, { success: false, problem, problemType: 'Error' }));

  const manifest = await parseMetadataXml(zip.files.get('package.xml') ?? '');
  const types = childrenOf(manifest.node, 'types').map((t) => ({
    name: textOf(t, 'name') ?? '',
    members: textsOf(t, 'members'),
  }));
  const membersOf = (type: string) => types.filter((t) => t.name === type).flatMap((t) => t.members);

  let taskFields = org.taskFields;
  const createdFields: string[] = [];

  // CustomField: `Activity.Name__c` in objects/Activity.object (`*`: every field of every object file).
  const objectFiles = new Map<string, XmlNode>();
  for (const [path, xml] of zip.files) {
    const match = /^objects\/([^/]+)\.object$/.exec(path);
    if (match) objectFiles.set(match[1], (await parseMetadataXml(xml)).node);
  }
  const fieldMembers = membersOf('CustomField').flatMap((m) =>
    m === '*'
      ? [...objectFiles].flatMap(([object, node]) =>
          childrenOf(node, 'fields').map((f) => `${object}.${textOf(f, 'fullName') ?? ''}`),
        )
      : [m],
  );
  for (const member of fieldMembers) {
    const [object, name = ''] = member.split('.');
    const fileName = `objects/${object}.object`;
    const field = childrenOf(objectFiles.get(object) ?? {}, 'fields').find((f) => textOf(f, 'fullName') === name);
    if (!field) {
      fail('CustomField', member, fileName, notFoundInZip(member, 'CustomField'));
      continue;
    }
    if (object !== ACTIVITY) {
      fail(
        'CustomField',
        member,
        fileName,
        `The sandbox models custom fields on Activity only (Task's custom fields are defined on Activity), not on ${object}`,
      );
      continue;
    }
    const input = customFieldInput(name, field);
    if (typeof input === 'string') {
      fail('CustomField', member, fileName, input);
      continue;
    }
    const wanted = buildCustomField(input);
    const existing = taskFields.find((f) => f.name.toLowerCase() === name.toLowerCase());
    if (existing && !isCustomField(existing)) {
      fail('CustomField', member, fileName, `${existing.name} is a standard field`);
    } else if (existing && existing.type !== wanted.type) {
      fail(
        'CustomField',
        member,
        fileName,
        `Cannot change the type of ${existing.name} from ${existing.type} to ${wanted.type} in a deploy`,
      );
    } else if (existing && wanted.unique && !existing.unique && hasDuplicates(org, existing.name)) {
      fail('CustomField', member, fileName, `Cannot make ${existing.name} unique: live tasks share a value of it`);
    } else if (existing) {
      const updated = { ...wanted, name: existing.name };
      const changed = !sameField(existing, updated);
      if (changed) taskFields = taskFields.map((f) => (f === existing ? updated : f));
      successes.push(message('CustomField', member, fileName, { changed }));
    } else {
      taskFields = [...taskFields, wanted];
      createdFields.push(wanted.name);
      successes.push(message('CustomField', member, fileName, { changed: true, created: true }));
    }
  }

  // PermissionSet: permissionsets/Name.permissionset (`*`: every file there).
  const setFiles = [...zip.files.keys()]
    .map((p) => /^permissionsets\/([^/]+)\.permissionset$/.exec(p)?.[1])
    .filter((n): n is string => n !== undefined);
  const setMembers = membersOf('PermissionSet').flatMap((m) => (m === '*' ? setFiles : [m]));
  const setsToSave: Omit<PermissionSetRecord, 'id' | 'assignments'>[] = [];
  for (const member of setMembers) {
    const fileName = `permissionsets/${member}.permissionset`;
    const xml = zip.files.get(fileName);
    if (xml === undefined) {
      fail('PermissionSet', member, fileName, notFoundInZip(member, 'PermissionSet'));
      continue;
    }
    const { node } = await parseMetadataXml(xml);
    const label = textOf(node, 'label');
    if (!label) {
      fail('PermissionSet', member, fileName, 'Must specify a non-empty label for the PermissionSet');
      continue;
    }
    const grants: FieldPermission[] = childrenOf(node, 'fieldPermissions').map((p) => ({
      field: textOf(p, 'field') ?? '',
      readable: textOf(p, 'readable') === 'true',
      editable: textOf(p, 'editable') === 'true',
    }));
    const problem = grants.map((grant) => fieldPermissionProblem(grant, taskFields)).find((p) => p !== undefined);
    if (problem) {
      fail('PermissionSet', member, fileName, problem);
      continue;
    }
    setsToSave.push({
      name: member,
      label,
      description: textOf(node, 'description') ?? null,
      fieldPermissions: grants,
    });
    successes.push(
      message('PermissionSet', member, fileName, {
        changed: true,
        created: !org.permissionSets.some((s) => s.name.toLowerCase() === member.toLowerCase()),
      }),
    );
  }

  for (const type of types) {
    if (type.name === 'CustomField' || type.name === 'PermissionSet') continue;
    for (const member of type.members)
      fail(
        type.name,
        member,
        '',
        `The sandbox models the metadata types CustomField (on Activity) and PermissionSet only, not ${type.name}`,
      );
  }
  successes.push(message('', 'package.xml', 'package.xml'));

  return {
    successes,
    failures,
    commit() {
      org.taskFields = taskFields;
      // A field the Metadata API creates has no field-level security yet: nobody sees it until a
      // profile or an assigned permission set grants it.
      for (const user of org.users.values()) {
        const own = user.fieldSecurity?.Task ?? { hidden: [], readOnly: [] };
        if (createdFields.length > 0)
          user.fieldSecurity = {
            ...user.fieldSecurity,
            Task: { hidden: [...own.hidden, ...createdFields], readOnly: own.readOnly },
          };
      }
      for (const set of setsToSave) {
        const existing = org.permissionSets.find((s) => s.name.toLowerCase() === set.name.toLowerCase());
        if (existing) Object.assign(existing, set);
        else org.permissionSets.push({ ...set, id: deps.nextId(KEY_PREFIX.PermissionSet), assignments: [] });
      }
    },
  };
}

/** Why a permission set's `fieldPermissions` entry cannot be deployed, or undefined. */
function fieldPermissionProblem(grant: FieldPermission, taskFields: readonly FieldDef[]): string | undefined {
  const [object, name = ''] = grant.field.split('.');
  if (object !== 'Task' && object !== 'Event')
    return `In field: field - the sandbox models field permissions on Task only, not ${grant.field}`;
  const field = taskFields.find((f) => f.name.toLowerCase() === name.toLowerCase());
  if (!field) return `In field: field - no CustomField named ${grant.field} found`;
  if (!isPermissionable(field)) return `You cannot deploy to a required field: ${grant.field}`;
  if (grant.editable && !grant.readable) return `Field permission ${grant.field}: editable requires readable`;
  return undefined;
}
