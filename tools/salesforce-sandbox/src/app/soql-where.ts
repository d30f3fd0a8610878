import type { Condition, ValueCondition, WhereClause } from '@jetstreamapp/soql-parser-js';
import type { Fields, FieldValue } from './sandbox-records';
import { toId15 } from './salesforce-id';
import { DEFAULT_SCHEMA, type SchemaView } from './org-schema';
import type { FieldDef, SObjectName } from './sobject-schema';
import { SfdcError } from './sfdc-error';
import { parseSfdcDateTime } from './sfdc-datetime';
import { resolveDateLiteral, rangeTest } from './soql-date-literal';
import { toFieldValue, unquoteSoqlString } from './soql-literal';
import { readPath, resolveRelationshipPath, type ParentLookup } from './soql-relationship';

/** `parents` resolves references for relationship fields (`Who.Email = …`); bound per query run, per org. */
export type Predicate = (record: Fields, parents?: ParentLookup) => boolean;

/** What a WHERE clause is evaluated against besides the records. */
export interface SoqlEnv {
  nowMs: number;
  /** The running user's TimeZoneSidKey: TODAY and LAST_N_DAYS:n are days of this zone. */
  timeZone: string;
  /** The statement's text, for Salesforce's `ERROR at Row:1:Column:N` messages. */
  soql?: string;
  /** The running user's fields (the org's, through field-level security); default a new org's. */
  schema?: SchemaView;
}

type Token = '(' | ')' | 'AND' | 'OR' | 'NOT' | { condition: Condition };

const malformed = (message: string): SfdcError => new SfdcError(400, 'MALFORMED_QUERY', message);

/**
 * The parser gives WHERE as a right-leaning chain whose conditions carry open/close parenthesis
 * counts; this lays it out as tokens again so precedence (NOT, then AND, then OR) can be applied.
 */
function toTokens(where: WhereClause | undefined, out: Token[]): Token[] {
  if (!where) return out;
  const left = where.left as (Condition & { openParen?: number; closeParen?: number }) | null;
  if (left) {
    for (let i = 0; i < (left.openParen ?? 0); i++) out.push('(');
    if ('field' in left || 'fn' in left) out.push({ condition: left });
    for (let i = 0; i < (left.closeParen ?? 0); i++) out.push(')');
  }
  if ('operator' in where && where.operator) {
    out.push(where.operator);
    toTokens((where as { right: WhereClause }).right, out);
  }
  return out;
}

/**
 * Salesforce compares text case-insensitively and ids by their case-sensitive 15-character form
 * (`Id > '00T…'` compares code units, the order ORDER BY Id sorts in, so paging by Id is exact).
 */
export function normalizer(field: FieldDef): (v: FieldValue) => FieldValue {
  if (field.type === 'id' || field.type === 'reference') return (v) => (typeof v === 'string' ? toId15(v) : v);
  if (['string', 'textarea', 'email', 'picklist', 'combobox'].includes(field.type))
    return (v) => (typeof v === 'string' ? v.toLowerCase() : v);
  return (v) => v;
}

function likeToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) source += pattern[++i].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (c === '%') source += '[\\s\\S]*';
    else if (c === '_') source += '[\\s\\S]';
    else source += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'i');
}

/** A date field holds `YYYY-MM-DD`: its day number (days since 1970-01-01), no time zone involved. */
const toDay = (value: FieldValue): number | null =>
  value === null ? null : Date.parse(`${value as string}T00:00:00Z`) / 86_400_000;

/**
 * Relative date literals in the user's zone: a date field (ActivityDate) against the user's
 * calendar days, a datetime field against the instants those days begin and end at.
 */
function compileDateLiteral(
  field: FieldDef,
  c: ValueCondition,
  env: SoqlEnv,
  read: (r: Fields, p?: ParentLookup) => FieldValue,
): Predicate {
  if (field.type !== 'date' && field.type !== 'datetime')
    throw new SfdcError(
      400,
      'INVALID_FIELD',
      `value of filter criterion for field '${field.name}' must be of type ${field.type} and should not be a date literal`,
    );
  const resolved = resolveDateLiteral(c.value as string, env.nowMs, env.timeZone);
  if (field.type === 'date') {
    const test = rangeTest(c.operator, resolved.days);
    return (r, p) => {
      const v = toDay(read(r, p));
      return v !== null && test(v);
    };
  }
  const test = rangeTest(c.operator, resolved.instants);
  return (r, p) => {
    const v = read(r, p);
    return typeof v === 'number' && test(v);
  };
}

function compileCondition(sobject: SObjectName, condition: Condition, env: SoqlEnv): Predicate {
  if (!('field' in condition)) throw malformed('functions in WHERE are not supported by the sandbox');
  const c = condition as ValueCondition;
  // `Who.Email = …`: the value is read through the reference, with the org's parents bound at run time.
  const schema = env.schema ?? DEFAULT_SCHEMA;
  const path = c.field.includes('.') ? resolveRelationshipPath(schema, sobject, c.field) : null;
  const field = path ? path.target : schema.field(sobject, c.field);
  if (!field)
    throw new SfdcError(
      400,
      'INVALID_FIELD',
      `No such column '${c.field}' on entity '${sobject}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
    );
  if ('valueQuery' in condition) throw malformed('semi-join subqueries are not supported by the sandbox');
  const name = field.name;
  const read = path
    ? (r: Fields, p?: ParentLookup): FieldValue => readPath(r, path, p)
    : (r: Fields): FieldValue => r[name] ?? null;
  if (c.literalType === 'DATE_LITERAL' || c.literalType === 'DATE_N_LITERAL')
    return compileDateLiteral(field, c, env, read);
  const norm = normalizer(field);
  const types = Array.isArray(c.literalType) ? c.literalType : null;
  const literal = (raw: string, i: number): FieldValue =>
    norm(toFieldValue(field, raw, types ? types[i] : ((c.literalType as string) ?? 'STRING'), c.operator === 'LIKE'));
  const get = (r: Fields, p?: ParentLookup): FieldValue => norm(read(r, p));

  switch (c.operator) {
    case 'IN':
    case 'NOT IN': {
      const values = (Array.isArray(c.value) ? c.value : [c.value]).map(literal);
      const set = new Set(values);
      return c.operator === 'IN' ? (r, p) => set.has(get(r, p)) : (r, p) => !set.has(get(r, p));
    }
    case 'LIKE': {
      const pattern = literal(c.value as string, 0);
      if (typeof pattern !== 'string') throw malformed('LIKE needs a string pattern');
      const re = likeToRegExp(pattern);
      return (r, p) => {
        const v = read(r, p);
        return typeof v === 'string' && re.test(v);
      };
    }
    case '=':
    case '!=': {
      const value = literal(c.value as string, 0);
      return c.operator === '=' ? (r, p) => get(r, p) === value : (r, p) => get(r, p) !== value;
    }
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const value = literal(c.value as string, 0);
      if (value === null) return () => false;
      const op = c.operator;
      return (r, p) => {
        const v = get(r, p);
        if (v === null) return false;
        return op === '<' ? v < value : op === '<=' ? v <= value : op === '>' ? v > value : v >= value;
      };
    }
    default:
      throw malformed(`operator ${c.operator} is not supported by the sandbox`);
  }
}

/**
 * The ids a WHERE clause restricts its records to (`Id = '…'` or `Id IN (…)` joined to the rest by
 * AND only), or null: the set a query can start from instead of scanning the org. The predicate still runs.
 */
export function idsNamedBy(where: WhereClause | undefined): string[] | null {
  const tokens = toTokens(where, []);
  if (tokens.some((t) => t === 'OR' || t === 'NOT')) return null;
  for (const t of tokens) {
    if (typeof t === 'string' || !('field' in t.condition)) continue;
    const c = t.condition as ValueCondition;
    if (c.field.toLowerCase() !== 'id' || (c.operator !== '=' && c.operator !== 'IN')) continue;
    const values = Array.isArray(c.value) ? c.value : [c.value];
    if (values.every((v) => typeof v === 'string' && v.startsWith("'")))
      return values.map((v) => unquoteSoqlString(v as string, false));
  }
  return null;
}

/**
 * The earliest SystemModstamp a WHERE clause lets through (`SystemModstamp >= t`, `> t` or `= t`
 * joined to the rest by AND outside any parentheses), or null: where a scan in SystemModstamp order
 * can start, as Salesforce's index on it does. The predicate still runs.
 */
export function modstampFloorOf(where: WhereClause | undefined): number | null {
  let depth = 0;
  let floor: number | null = null;
  for (const t of toTokens(where, [])) {
    if (t === '(') depth++;
    else if (t === ')') depth--;
    else if (depth > 0) continue;
    else if (t === 'OR' || t === 'NOT') return null;
    else if (typeof t !== 'string' && 'field' in t.condition) {
      const c = t.condition as ValueCondition;
      if (c.field.toLowerCase() !== 'systemmodstamp' || c.literalType !== 'DATETIME') continue;
      if (c.operator !== '>=' && c.operator !== '>' && c.operator !== '=') continue;
      const at = typeof c.value === 'string' ? parseSfdcDateTime(c.value) : null;
      if (at !== null) floor = Math.max(floor ?? at, at);
    }
  }
  return floor;
}

/**
 * Where the k-th AND/OR of the statement's WHERE sits (quoted text skipped), as Salesforce's
 * `ERROR at Row:R:Column:C` counts (1-based); null when the text cannot be matched up.
 */
function operatorPosition(soql: string, k: number): { row: number; column: number } | null {
  const where = /\bWHERE\b/i.exec(soql);
  if (!where) return null;
  const blanked = soql.replace(/'(?:\\.|[^'\\])*'/g, (m) => ' '.repeat(m.length));
  const re = /\b(AND|OR)\b/gi;
  re.lastIndex = where.index;
  let match: RegExpExecArray | null = null;
  for (let i = 0; i <= k; i++) {
    match = re.exec(blanked);
    if (!match) return null;
  }
  const before = soql.slice(0, (match as RegExpExecArray).index).split('\n');
  return { row: before.length, column: (before.at(-1) as string).length + 1 };
}

/**
 * Salesforce refuses AND and OR side by side without parentheses ("Client applications must
 * specify parentheses when nesting operators"): MALFORMED_QUERY, unexpected token: OR.
 */
function mixedOperators(env: SoqlEnv, operator: 'AND' | 'OR', operatorIndex: number): SfdcError {
  const at = env.soql ? operatorPosition(env.soql, operatorIndex) : null;
  const where = at ? `\n${env.soql}\n^\nERROR at Row:${at.row}:Column:${at.column}\n` : '';
  return malformed(`${where}unexpected token: ${operator}`);
}

export function compileWhere(sobject: SObjectName, where: WhereClause | undefined, env: SoqlEnv): Predicate | null {
  const tokens = toTokens(where, []);
  if (tokens.length === 0) return null;
  let pos = 0;
  let operatorsSeen = 0;
  const peek = (): Token | undefined => tokens[pos];
  const isBinary = (t: Token | undefined): t is 'AND' | 'OR' => t === 'AND' || t === 'OR';

  // One level: `unary ( op unary )*` with a single op; the other op at the same level is refused.
  const parseLevel = (): Predicate => {
    const parts = [parseUnary()];
    const op = peek();
    if (!isBinary(op)) return parts[0];
    while (isBinary(peek())) {
      const next = peek() as 'AND' | 'OR';
      if (next !== op) throw mixedOperators(env, next, operatorsSeen);
      operatorsSeen++;
      pos++;
      parts.push(parseUnary());
    }
    return op === 'OR' ? (r, p) => parts.some((q) => q(r, p)) : (r, p) => parts.every((q) => q(r, p));
  };
  const parseUnary = (): Predicate => {
    const token = tokens[pos++];
    if (token === 'NOT') {
      const inner = parseUnary();
      return (r, p) => !inner(r, p);
    }
    if (token === '(') {
      const inner = parseLevel();
      if (tokens[pos++] !== ')') throw malformed('unbalanced parentheses in WHERE');
      return inner;
    }
    if (token && typeof token === 'object') return compileCondition(sobject, token.condition, env);
    throw malformed(`unexpected token in WHERE: ${String(token)}`);
  };

  const predicate = parseLevel();
  if (pos !== tokens.length) throw malformed('unexpected token in WHERE');
  return predicate;
}
