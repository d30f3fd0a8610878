import type { TaskFields } from '@task-sync/task-domain';
import { fitDescription, fitSubject } from './text-limits';

/**
 * Texts cut to Salesforce's lengths. Comparisons with a Salesforce task go through this view, or a
 * 300-character Sales Connect name would look changed forever.
 */
export function viewAsSfdc(fields: TaskFields): TaskFields {
  return { ...fields, title: fitSubject(fields.title), details: fitDescription(fields.details) };
}

/** Sales Connect holds everything Salesforce can send it. */
export function viewAsSalesConnect(fields: TaskFields): TaskFields {
  return fields;
}

/**
 * Whether a side's reading of a field matches a value. A `null` priority read from Salesforce
 * (`Low`) has no opinion and matches anything.
 */
export function fieldMatches<K extends keyof TaskFields>(field: K, read: TaskFields[K], value: TaskFields[K]): boolean {
  if (field === 'priority' && read === null) return true;
  return read === value;
}

/** Equal under the mapping: what "both sides are the same" means for the convergence rule. */
export function equalUnderMapping(salesConnect: TaskFields, sfdc: TaskFields): boolean {
  const expected = viewAsSfdc(salesConnect);
  return (Object.keys(expected) as (keyof TaskFields)[]).every((f) => fieldMatches(f, sfdc[f], expected[f]));
}
