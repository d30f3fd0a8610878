import { parseQuery, type FieldType as SoqlField, type OrderByClause, type Query } from '@jetstreamapp/soql-parser-js';
import type { Fields } from './sandbox-records';
import { DEFAULT_SCHEMA, type SchemaView } from './org-schema';
import { findSObject, type FieldDef, type SObjectApi, type SObjectName } from './sobject-schema';
import { SfdcError } from './sfdc-error';
import {
  readPath,
  resolveRelationshipPath,
  type ParentLookup,
  type RelationshipPath,
  type RelationshipSelect,
  type SelectItem,
} from './soql-relationship';
import { compileWhere, idsNamedBy, modstampFloorOf, type Predicate } from './soql-where';
import { toId15 } from './salesforce-id';

export interface OrderKey {
  field: FieldDef;
  /** Set for `ORDER BY Who.Name`: the value is read through the reference. */
  path?: RelationshipPath;
  descending: boolean;
  nullsFirst: boolean;
}

/** A SOQL statement checked against the schema and ready to run over stored records. */
export interface CompiledQuery {
  sobject: SObjectName;
  /** `count` for `SELECT COUNT()`; relationship fields (`Who.Email`) grouped per relationship. */
  select: SelectItem[] | 'count';
  where: Predicate | null;
  /** The ids the WHERE clause restricts the records to (idsNamedBy), or null. */
  ids: string[] | null;
  /** The earliest SystemModstamp the WHERE clause lets through (modstampFloorOf), or null. */
  modstampFrom: number | null;
  orderBy: OrderKey[];
  limit: number | null;
  offset: number;
  /** Uses a relative date literal: valid only for the instant it was compiled at. */
  dependsOnNow: boolean;
}

const malformed = (message: string): SfdcError => new SfdcError(400, 'MALFORMED_QUERY', message);

function invalidField(soql: string, sobject: string, name: string): SfdcError {
  return new SfdcError(
    400,
    'INVALID_FIELD',
    `\n${soql}\n^\nERROR at Row:1:Column:${soql.indexOf(name) + 1}\nNo such column '${name}' on entity '${sobject}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
  );
}

function compileSelect(
  soql: string,
  schema: SchemaView,
  sobject: SObjectName,
  fields: SoqlField[],
): SelectItem[] | 'count' {
  if (
    fields.length === 1 &&
    fields[0].type === 'FieldFunctionExpression' &&
    fields[0].functionName.toUpperCase() === 'COUNT' &&
    fields[0].parameters.length === 0
  ) {
    return 'count';
  }
  const items: SelectItem[] = [];
  const byRelationship = new Map<string, RelationshipSelect>();
  for (const f of fields) {
    if (f.type === 'FieldRelationship') {
      // Fields of one relationship answer as one nested record, where its first field stood.
      const path = resolveRelationshipPath(schema, sobject, f.rawValue ?? [...f.relationships, f.field].join('.'));
      let group = byRelationship.get(path.relationshipName);
      if (!group) {
        group = {
          relationshipName: path.relationshipName,
          reference: path.reference,
          polymorphic: path.polymorphic,
          fields: [],
        };
        byRelationship.set(path.relationshipName, group);
        items.push(group);
      }
      if (!group.fields.includes(path.target)) group.fields.push(path.target);
      continue;
    }
    if (f.type !== 'Field')
      throw malformed(
        `only plain fields, one-level relationship fields and COUNT() are supported by the sandbox, not ${'rawValue' in f ? f.rawValue : f.type}`,
      );
    const def = schema.field(sobject, f.field);
    if (!def) throw invalidField(soql, sobject, f.field);
    items.push(def);
  }
  return items;
}

function compileOrderBy(
  soql: string,
  schema: SchemaView,
  sobject: SObjectName,
  orderBy: OrderByClause | OrderByClause[] | undefined,
): OrderKey[] {
  const clauses = orderBy === undefined ? [] : Array.isArray(orderBy) ? orderBy : [orderBy];
  return clauses.map((c) => {
    if (!('field' in c) || !c.field) throw malformed('ORDER BY functions are not supported by the sandbox');
    const path = c.field.includes('.') ? resolveRelationshipPath(schema, sobject, c.field) : undefined;
    const field = path ? path.target : schema.field(sobject, c.field);
    if (!field) throw invalidField(soql, sobject, c.field);
    const descending = c.order === 'DESC';
    // Salesforce's SOQL reference: "By default, null values are sorted first", ASC and DESC alike.
    return { field, path, descending, nullsFirst: c.nulls ? c.nulls === 'FIRST' : true };
  });
}

/** Checked against the running user's schema (field-level security applied); date literals in their zone. */
export function compileSoql(
  soql: string,
  nowMs: number,
  options: { timeZone?: string; schema?: SchemaView; api?: SObjectApi } = {},
): CompiledQuery {
  const schema = options.schema ?? DEFAULT_SCHEMA;
  let parsed: Query;
  try {
    parsed = parseQuery(soql);
  } catch (e) {
    throw malformed((e as Error).message);
  }
  if (!parsed.sObject) throw malformed('unexpected token: FROM is missing');
  const sobject = findSObject(parsed.sObject, options.api);
  if (!sobject) {
    throw new SfdcError(
      400,
      'INVALID_TYPE',
      `\n${soql}\n^\nsObject type '${parsed.sObject}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
    );
  }
  if (parsed.groupBy || parsed.having) throw malformed('GROUP BY and HAVING are not supported by the sandbox');
  if (parsed.offset !== undefined && parsed.offset > 2000)
    throw new SfdcError(400, 'NUMBER_OUTSIDE_VALID_RANGE', 'Maximum SOQL offset allowed is 2000');
  return {
    sobject,
    select: compileSelect(soql, schema, sobject, parsed.fields ?? []),
    where: compileWhere(sobject, parsed.where, { nowMs, timeZone: options.timeZone ?? 'UTC', soql, schema }),
    ids: idsNamedBy(parsed.where),
    modstampFrom: modstampFloorOf(parsed.where),
    orderBy: compileOrderBy(soql, schema, sobject, parsed.orderBy),
    limit: parsed.limit ?? null,
    offset: parsed.offset ?? 0,
    dependsOnNow: /_LITERAL"/.test(JSON.stringify(parsed.where ?? null)),
  };
}

/**
 * Text sorts case-insensitively (Salesforce, English locale); ids and references sort by their
 * case-sensitive 15-character form, the same order `WHERE Id > …` compares in.
 */
function sortValue(key: OrderKey, v: string | number | boolean): string | number | boolean {
  if (typeof v !== 'string') return v;
  return key.field.type === 'id' || key.field.type === 'reference' ? toId15(v) : v.toLowerCase();
}

function compareValues(a: unknown, b: unknown, key: OrderKey): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return key.nullsFirst ? -1 : 1;
  if (b === null || b === undefined) return key.nullsFirst ? 1 : -1;
  const x = sortValue(key, a as string | number | boolean);
  const y = sortValue(key, b as string | number | boolean);
  const d = x < y ? -1 : x > y ? 1 : 0;
  return key.descending ? -d : d;
}

/**
 * Records come in the store's SystemModstamp-then-Id order, so the usual `ORDER BY SystemModstamp`
 * needs no sort. Ties end on Id so pages are stable.
 */
export function runQuery(query: CompiledQuery, source: readonly Fields[], parents?: ParentLookup): Fields[] {
  const where = query.where;
  const keys = query.orderBy;
  const inSourceOrder =
    keys.length === 0 ||
    (keys[0].field.name === 'SystemModstamp' &&
      !keys[0].path &&
      !keys[0].descending &&
      (keys.length === 1 ||
        (keys.length === 2 && keys[1].field.name === 'Id' && !keys[1].path && !keys[1].descending)));
  // In source order a LIMIT ends the scan at its last row: a page of a poll reads its page, not the org.
  const enough = inSourceOrder && query.limit !== null ? query.offset + query.limit : Infinity;
  const matched: Fields[] = [];
  for (const r of source) {
    if (matched.length >= enough) break;
    if (!where || where(r, parents)) matched.push(r);
  }
  if (!inSourceOrder) {
    const value = (r: Fields, key: OrderKey) =>
      key.path ? readPath(r, key.path, parents) : (r[key.field.name] ?? null);
    matched.sort((a, b) => {
      for (const key of keys) {
        const d = compareValues(value(a, key), value(b, key), key);
        if (d !== 0) return d;
      }
      const ia = a.Id as string;
      const ib = b.Id as string;
      return ia < ib ? -1 : ia > ib ? 1 : 0;
    });
  }
  const end = query.limit === null ? undefined : query.offset + query.limit;
  return query.offset > 0 || end !== undefined ? matched.slice(query.offset, end) : matched;
}
