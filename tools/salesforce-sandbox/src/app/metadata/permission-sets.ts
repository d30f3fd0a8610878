import type { FieldSecurity } from '../org-schema';

/** One `fieldPermissions` entry of a permission set: `Task.X__c` readable and / or editable. */
export interface FieldPermission {
  field: string;
  readable: boolean;
  editable: boolean;
}

/** A permission set as the Metadata API deployed it, with its assignments (PermissionSetAssignment rows). */
export interface PermissionSetRecord {
  /** `0PS…` */
  id: string;
  /** The API name (the file name in `permissionsets/`). */
  name: string;
  label: string;
  description: string | null;
  fieldPermissions: FieldPermission[];
  /** `0Pa…` ids and the users they assign the set to. */
  assignments: { id: string; assigneeId: string }[];
}

const NO_SECURITY: FieldSecurity = { hidden: [], readOnly: [] };

/**
 * A user's Task field-level security with their permission sets applied. Salesforce's access is the
 * union of the profile's (here the user's own settings) and every assigned set's: a set can only
 * add access. Field names are matched case-insensitively and answered as the user's settings spell them.
 */
export function effectiveTaskSecurity(
  own: FieldSecurity | undefined,
  userId: string,
  permissionSets: readonly PermissionSetRecord[] | undefined,
): FieldSecurity | undefined {
  const granted = (permissionSets ?? [])
    .filter((set) => set.assignments.some((a) => a.assigneeId === userId))
    .flatMap((set) => set.fieldPermissions);
  if (granted.length === 0) return own;
  const base = own ?? NO_SECURITY;
  const taskField = (p: FieldPermission) =>
    p.field.toLowerCase().startsWith('task.') ? p.field.slice(5).toLowerCase() : null;
  const readable = new Set(granted.filter((p) => p.readable).map(taskField));
  const editable = new Set(granted.filter((p) => p.editable).map(taskField));
  const hidden = base.hidden.filter((name) => !readable.has(name.toLowerCase()));
  // A field the user could not see and a set makes readable (not editable) becomes read-only.
  const nowReadOnly = base.hidden.filter(
    (name) => readable.has(name.toLowerCase()) && !editable.has(name.toLowerCase()),
  );
  const readOnly = [...base.readOnly, ...nowReadOnly].filter((name) => !editable.has(name.toLowerCase()));
  return { hidden, readOnly };
}
