import { z } from 'zod';
import type { FieldSecurity } from './org-schema';
import { isCustomField, isPermissionable, type FieldDef } from './sobject-schema';

/** The custom field types of Setup's Object Manager the sandbox models (Text, Text Area (Long), Email, Picklist, Date, Date/Time, Checkbox, Number(n, 0)). */
const CUSTOM_FIELD_TYPES = ['string', 'textarea', 'email', 'picklist', 'date', 'datetime', 'boolean', 'int'] as const;
/** Setup offers External ID and Unique on Text, Email and Number fields only. */
const EXTERNAL_ID_TYPES: readonly string[] = ['string', 'email', 'int'];
/** What Setup gives a field when the admin leaves the length out. */
const DEFAULT_LENGTH: Record<string, number> = { string: 255, textarea: 32_768, email: 80, picklist: 255 };
const MAX_LENGTH: Record<string, number> = { string: 255, textarea: 131_072 };

/** `POST /__admin/salesforce/orgs/:orgId/sobjects/Task/fields`: a custom field as Setup creates it. */
export const newCustomField = z
  .object({
    // An API name: a letter first, letters, digits and single underscores, then __c.
    name: z
      .string()
      .max(43)
      .regex(
        /^[A-Za-z](?:_?[A-Za-z0-9])*__c$/,
        'name must be an API name ending in __c (a letter first, no double underscores)',
      ),
    label: z.string().min(1).max(40).optional(),
    type: z.enum(CUSTOM_FIELD_TYPES),
    length: z.number().int().min(1).optional(),
    externalId: z.boolean().optional(),
    unique: z.boolean().optional(),
    required: z.boolean().optional(),
    picklist: z.array(z.string().min(1).max(255)).min(1).optional(),
  })
  .superRefine((f, issues) => {
    const fail = (message: string) => issues.addIssue({ code: 'custom', message });
    if (f.length !== undefined && !(f.type in MAX_LENGTH)) fail(`a ${f.type} field takes no length`);
    if (f.length !== undefined && f.length > (MAX_LENGTH[f.type] ?? 0))
      fail(`a ${f.type} field is at most ${MAX_LENGTH[f.type]} characters`);
    if ((f.externalId || f.unique) && !EXTERNAL_ID_TYPES.includes(f.type))
      fail('External ID and Unique are for string, email and int fields');
    if ((f.type === 'picklist') !== (f.picklist !== undefined))
      fail('a picklist field needs its values (picklist), and only a picklist field takes them');
    if (f.required && f.type === 'boolean') fail('a checkbox cannot be required (it is never empty)');
  });

export type NewCustomField = z.infer<typeof newCustomField>;

/** `PUT /__admin/salesforce/orgs/:orgId/users/:userId/field-security`: replaces the user's Task settings; empty lists clear them. */
export const fieldSecurityInput = z.object({
  Task: z
    .object({ hidden: z.array(z.string()).default([]), readOnly: z.array(z.string()).default([]) })
    .default({ hidden: [], readOnly: [] }),
});

/** The field as describe will show it: custom, nillable unless required, a checkbox defaulted to false. */
export function buildCustomField(input: NewCustomField): FieldDef {
  return {
    name: input.name,
    label: input.label ?? input.name.slice(0, -3).replace(/_/g, ' '),
    type: input.type,
    length: input.length ?? DEFAULT_LENGTH[input.type],
    ...(input.type === 'int' ? { digits: 18 } : {}),
    createable: true,
    updateable: true,
    nillable: input.type !== 'boolean' && input.required !== true,
    ...(input.type === 'boolean' ? { defaultedOnCreate: true } : {}),
    externalId: input.externalId === true,
    unique: input.unique === true,
    ...(input.picklist ? { picklist: input.picklist.map((value) => ({ value })) } : {}),
  };
}

const sameName = (f: FieldDef, name: string): boolean => f.name.toLowerCase() === name.toLowerCase();

/** The org's Task fields with a new custom field at the end; a name already taken (any case) is refused. */
export function addCustomField(fields: readonly FieldDef[], input: NewCustomField): FieldDef[] {
  if (fields.some((f) => sameName(f, input.name))) throw new Error(`Task already has a field named ${input.name}`);
  return [...fields, buildCustomField(input)];
}

/** The org's Task fields without a custom one; standard fields cannot be deleted. Undefined when there is no such field. */
export function removeCustomField(
  fields: readonly FieldDef[],
  name: string,
): { fields: FieldDef[]; removed: FieldDef } | undefined {
  const removed = fields.find((f) => sameName(f, name));
  if (!removed) return undefined;
  if (!isCustomField(removed))
    throw new Error(`${removed.name} is a standard field: only custom fields can be deleted`);
  return { fields: fields.filter((f) => f !== removed), removed };
}

/**
 * A user's Task field-level security checked against the org's fields, names as the schema spells
 * them. Required and system fields (Id, Subject, Status, OwnerId, a required custom field, …) are
 * always visible and editable, as in Setup: naming one is refused.
 */
export function checkFieldSecurity(fields: readonly FieldDef[], security: FieldSecurity): FieldSecurity {
  const resolve = (name: string): string => {
    const field = fields.find((f) => sameName(f, name));
    if (!field) throw new Error(`Task has no field ${name}`);
    if (!isPermissionable(field))
      throw new Error(`${field.name}: field-level security cannot be set on a required or system field`);
    return field.name;
  };
  return { hidden: [...new Set(security.hidden.map(resolve))], readOnly: [...new Set(security.readOnly.map(resolve))] };
}
