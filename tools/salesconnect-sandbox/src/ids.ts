import { randomBytes } from 'node:crypto';

/** Prefixed random ids (`sct_…` task, `scu_…` user, `scw_…` subscription, `scd_…` delivery), as SaaS APIs hand out. */
export function newId(prefix: 'sct' | 'scu' | 'scw' | 'scd'): string {
  return `${prefix}_${randomBytes(10).toString('hex')}`;
}

export function newApiToken(): string {
  return `sc_tok_${randomBytes(20).toString('base64url')}`;
}
