/**
 * References between Composite subrequests (REST API guide, "Composite Subrequest"):
 * `@{referenceId.field}`, with `.` for a field of a JSON object and `[n]` for an element of a
 * collection, recursively (`@{refQuery.records[0].Id}`), in a later subrequest's url or body.
 * Names are case-sensitive (`@{refTask.id}` after a create, `@{refTask.Id}` after a retrieve).
 */

/** A reference as written in a url or body. */
const REFERENCE = /@\{([^{}]*)\}/g;
/** `refId` then any `.name` / `[n]` steps. */
const EXPRESSION = /^([A-Za-z0-9_]+)((?:\.[^.[\]]+|\[\d+\])*)$/;
const STEP = /\.([^.[\]]+)|\[(\d+)\]/g;

/** A reference that has no value: the referenced subrequest failed, is unknown or later, or lacks the field. */
export class UnresolvedReferenceError extends Error {
  constructor(
    /** As written between `@{` and `}`, e.g. `refTask.id`. */
    readonly expression: string,
    readonly referenceId: string,
  ) {
    super(`No value for ${expression} found in ${referenceId}`);
  }
}

/** The answer bodies of the subrequests that succeeded so far, by referenceId. */
export type ReferenceValues = ReadonlyMap<string, unknown>;

const referenceIdOf = (expression: string): string => /^[^.[]*/.exec(expression)?.[0] ?? expression;

/** The references a url or body holds, in order of appearance, each once. */
export function referencesIn(value: unknown): { expression: string; referenceId: string }[] {
  const found = new Map<string, string>();
  const visit = (v: unknown): void => {
    if (typeof v === 'string') {
      for (const match of v.matchAll(REFERENCE)) found.set(match[1], referenceIdOf(match[1]));
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(visit);
  };
  visit(value);
  return [...found].map(([expression, referenceId]) => ({ expression, referenceId }));
}

/**
 * The value of one reference: a string, number or boolean (the referenceable types), or null
 * (from API 52.0 a reference to a null field resolves, Salesforce's guide says). An object, a
 * collection, or a missing step has no value.
 */
export function lookupReference(expression: string, values: ReferenceValues): string | number | boolean | null {
  const parsed = EXPRESSION.exec(expression);
  const referenceId = referenceIdOf(expression);
  if (!parsed || !values.has(parsed[1])) throw new UnresolvedReferenceError(expression, referenceId);
  let current: unknown = values.get(parsed[1]);
  for (const step of parsed[2].matchAll(STEP)) {
    const [, name, index] = step;
    if (
      name !== undefined &&
      current !== null &&
      typeof current === 'object' &&
      !Array.isArray(current) &&
      Object.hasOwn(current, name)
    ) {
      current = (current as Record<string, unknown>)[name];
    } else if (index !== undefined && Array.isArray(current) && Number(index) < current.length) {
      current = current[Number(index)];
    } else {
      throw new UnresolvedReferenceError(expression, referenceId);
    }
  }
  if (current === null || typeof current === 'string' || typeof current === 'number' || typeof current === 'boolean')
    return current;
  throw new UnresolvedReferenceError(expression, referenceId);
}

/** A url with its references replaced by their values as text (null as nothing). */
export function resolveReferencesInText(text: string, values: ReferenceValues): string {
  return text.replace(REFERENCE, (_whole, expression: string) => {
    const value = lookupReference(expression, values);
    return value === null ? '' : String(value);
  });
}

/**
 * A body with its references replaced: a string that is exactly one reference takes the value
 * with its own type (`"IsReminderSet": "@{ref.IsReminderSet}"` → true), one inside longer text
 * becomes text.
 */
export function resolveReferencesInBody(body: unknown, values: ReferenceValues): unknown {
  if (typeof body === 'string') {
    const whole = /^@\{([^{}]*)\}$/.exec(body);
    return whole ? lookupReference(whole[1], values) : resolveReferencesInText(body, values);
  }
  if (Array.isArray(body)) return body.map((item) => resolveReferencesInBody(item, values));
  if (body !== null && typeof body === 'object') {
    return Object.fromEntries(
      Object.entries(body).map(([key, value]) => [key, resolveReferencesInBody(value, values)]),
    );
  }
  return body;
}
