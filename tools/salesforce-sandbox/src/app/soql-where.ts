import type { Condition, ValueCondition, WhereClause } from '@jetstreamapp/soql-parser-js';
import type { Fields, FieldValue } from './sandbox-records';
import { toId15 } from './salesforce-id';
import { findField, type FieldDef, type SObjectName } from './sobject-schema';
import { SfdcError } from './sfdc-error';
import { resolveDateLiteral, rangeTest } from './soql-date-literal';
import { toFieldValue } from './soql-literal';

export type Predicate = (record: Fields) => boolean;

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

/** Salesforce compares text case-insensitively and ids by their case-sensitive 15-character form. */
function normalizer(field: FieldDef): (v: FieldValue) => FieldValue {
  if (field.type === 'id' || field.type === 'reference') return (v) => (typeof v === 'string' ? toId15(v) : v);
  if (['string', 'textarea', 'email', 'picklist'].includes(field.type)) return (v) => (typeof v === 'string' ? v.toLowerCase() : v);
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

/** A date field holds `YYYY-MM-DD`; compare it as the instant of its UTC midnight. */
const toInstant = (field: FieldDef, value: FieldValue): number | null =>
  value === null ? null : field.type === 'date' ? Date.parse(`${value as string}T00:00:00Z`) : (value as number);

function compileDateLiteral(field: FieldDef, c: ValueCondition, nowMs: number): Predicate {
  if (field.type !== 'date' && field.type !== 'datetime') throw new SfdcError(400, 'INVALID_FIELD', `value of filter criterion for field '${field.name}' must be of type ${field.type} and should not be a date literal`);
  const test = rangeTest(c.operator, resolveDateLiteral(c.value as string, nowMs));
  return (r) => {
    const v = toInstant(field, r[field.name] ?? null);
    return v !== null && test(v);
  };
}

function compileCondition(sobject: SObjectName, condition: Condition, nowMs: number): Predicate {
  if (!('field' in condition)) throw malformed('functions in WHERE are not supported by the sandbox');
  const c = condition as ValueCondition;
  if (c.field.includes('.')) throw malformed(`relationship fields in WHERE are not supported by the sandbox: ${c.field}`);
  const field = findField(sobject, c.field);
  if (!field) throw new SfdcError(400, 'INVALID_FIELD', `No such column '${c.field}' on entity '${sobject}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`);
  if ('valueQuery' in condition) throw malformed('semi-join subqueries are not supported by the sandbox');
  if (c.literalType === 'DATE_LITERAL' || c.literalType === 'DATE_N_LITERAL') return compileDateLiteral(field, c, nowMs);
  const name = field.name;
  const norm = normalizer(field);
  const types = Array.isArray(c.literalType) ? c.literalType : null;
  const literal = (raw: string, i: number): FieldValue => norm(toFieldValue(field, raw, types ? types[i] : (c.literalType as string) ?? 'STRING', c.operator === 'LIKE'));
  const get = (r: Fields): FieldValue => norm(r[name] ?? null);

  switch (c.operator) {
    case 'IN':
    case 'NOT IN': {
      const values = (Array.isArray(c.value) ? c.value : [c.value]).map(literal);
      const set = new Set(values);
      return c.operator === 'IN' ? (r) => set.has(get(r)) : (r) => !set.has(get(r));
    }
    case 'LIKE': {
      const pattern = literal(c.value as string, 0);
      if (typeof pattern !== 'string') throw malformed('LIKE needs a string pattern');
      const re = likeToRegExp(pattern);
      return (r) => {
        const v = r[name];
        return typeof v === 'string' && re.test(v);
      };
    }
    case '=':
    case '!=': {
      const value = literal(c.value as string, 0);
      return c.operator === '=' ? (r) => get(r) === value : (r) => get(r) !== value;
    }
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const value = literal(c.value as string, 0);
      if (value === null) return () => false;
      const op = c.operator;
      return (r) => {
        const v = get(r);
        if (v === null) return false;
        return op === '<' ? v < value : op === '<=' ? v <= value : op === '>' ? v > value : v >= value;
      };
    }
    default:
      throw malformed(`operator ${c.operator} is not supported by the sandbox`);
  }
}

/**
 * Compiles a parsed WHERE clause into a predicate over stored records; unknown fields are
 * INVALID_FIELD. `nowMs` resolves relative date literals such as LAST_N_DAYS:1.
 */
export function compileWhere(sobject: SObjectName, where: WhereClause | undefined, nowMs: number): Predicate | null {
  const tokens = toTokens(where, []);
  if (tokens.length === 0) return null;
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];

  // One level of binary operators: `next ( op next )*`, joined with some/every.
  const parseChain = (op: 'AND' | 'OR', next: () => Predicate): Predicate => {
    const parts = [next()];
    while (peek() === op) {
      pos++;
      parts.push(next());
    }
    if (parts.length === 1) return parts[0];
    return op === 'OR' ? (r) => parts.some((p) => p(r)) : (r) => parts.every((p) => p(r));
  };
  const parseOr = (): Predicate => parseChain('OR', parseAnd);
  const parseAnd = (): Predicate => parseChain('AND', parseUnary);
  const parseUnary = (): Predicate => {
    const token = tokens[pos++];
    if (token === 'NOT') {
      const inner = parseUnary();
      return (r) => !inner(r);
    }
    if (token === '(') {
      const inner = parseOr();
      if (tokens[pos++] !== ')') throw malformed('unbalanced parentheses in WHERE');
      return inner;
    }
    if (token && typeof token === 'object') return compileCondition(sobject, token.condition, nowMs);
    throw malformed(`unexpected token in WHERE: ${String(token)}`);
  };

  const predicate = parseOr();
  if (pos !== tokens.length) throw malformed('unexpected token in WHERE');
  return predicate;
}
