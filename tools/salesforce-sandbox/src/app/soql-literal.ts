import { parseSfdcDateTime } from './sfdc-datetime';
import type { FieldValue } from './sandbox-records';
import type { FieldDef } from './sobject-schema';
import { SfdcError } from './sfdc-error';

/** Undoes SOQL string escapes (`\'`, `\\`, `\n`…); LIKE's `\%` and `\_` are kept for the pattern. */
export function unquoteSoqlString(raw: string, keepLikeEscapes: boolean): string {
  const inner = raw.startsWith("'") && raw.endsWith("'") ? raw.slice(1, -1) : raw;
  return inner.replace(/\\(.)/g, (_m, c: string) => {
    if (keepLikeEscapes && (c === '%' || c === '_')) return `\\${c}`;
    return c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c;
  });
}

const TYPE_WORDS: Record<string, string> = { date: 'date', datetime: 'dateTime', boolean: 'boolean', int: 'integer' };

/** Salesforce's complaint when a literal does not fit the field, e.g. a quoted date. */
function wrongType(field: FieldDef): SfdcError {
  const quoted = ['date', 'datetime', 'boolean', 'int'].includes(field.type);
  const word = TYPE_WORDS[field.type] ?? 'string';
  return new SfdcError(
    400,
    'INVALID_FIELD',
    `value of filter criterion for field '${field.name}' must be of type ${word} and should ${quoted ? 'not ' : ''}be enclosed in quotes`,
  );
}

/**
 * Turns one literal of the parsed WHERE into the value the store holds for that field:
 * datetimes to epoch ms, dates kept as `YYYY-MM-DD`, booleans, integers, strings.
 */
export function toFieldValue(field: FieldDef, raw: string, literalType: string, forLike: boolean): FieldValue {
  if (literalType === 'NULL') return null;
  switch (field.type) {
    case 'date':
      if (literalType !== 'DATE') throw wrongType(field);
      return raw;
    case 'datetime': {
      if (literalType !== 'DATETIME') throw wrongType(field);
      const ms = parseSfdcDateTime(raw);
      if (ms === null)
        throw new SfdcError(400, 'MALFORMED_QUERY', `line 1:0 no viable alternative at character '${raw}'`);
      return ms;
    }
    case 'boolean':
      if (literalType !== 'BOOLEAN') throw wrongType(field);
      return raw.toUpperCase() === 'TRUE';
    case 'int':
      if (literalType !== 'INTEGER') throw wrongType(field);
      return Number(raw);
    default:
      if (literalType !== 'STRING') throw wrongType(field);
      return unquoteSoqlString(raw, forLike);
  }
}
