const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** Key prefixes Salesforce gives these objects (the first three characters of every id). */
export const KEY_PREFIX = {
  Task: '00T',
  Account: '001',
  Contact: '003',
  Lead: '00Q',
  User: '005',
  Organization: '00D',
  TaskStatus: '01J',
  RecordType: '012',
  QueryLocator: '01g',
  DeployRequest: '0Af',
  PermissionSet: '0PS',
  PermissionSetAssignment: '0Pa',
  CustomField: '00N',
} as const;

/**
 * Salesforce's 3-character suffix that makes a 15-character id case-insensitive: for each block
 * of 5 characters, a bit per upper-case letter, read as an index into A–Z0–5.
 */
export function computeIdSuffix(id15: string): string {
  let suffix = '';
  for (let block = 0; block < 3; block++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charCodeAt(block * 5 + i);
      if (c >= 65 && c <= 90) bits |= 1 << i;
    }
    suffix += SUFFIX_ALPHABET[bits];
  }
  return suffix;
}

/** The 18-character id for the n-th record with this prefix: unique per prefix and counter. */
export function makeSalesforceId(prefix: string, counter: number): string {
  let body = '';
  let n = counter;
  for (let i = 0; i < 12; i++) {
    body = BASE62[n % 62] + body;
    n = Math.floor(n / 62);
  }
  const id15 = prefix + body;
  return id15 + computeIdSuffix(id15);
}

/** 15- and 18-character forms name the same record; compare on the case-sensitive 15. */
export function toId15(id: string): string {
  return id.length === 18 ? id.slice(0, 15) : id;
}

export function isSalesforceIdShape(value: string): boolean {
  return /^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/.test(value);
}

/** The 18-character form of a 15- or 18-character id (what the API answers with). */
export function toId18(id: string): string {
  return id.length === 15 ? id + computeIdSuffix(id) : id;
}
