import { randomBytes, randomFillSync } from 'node:crypto';

/** Random bytes drawn a block at a time: a call to the system's generator for each id cost more than the task it named. */
const pool = Buffer.alloc(4096);
let used = pool.length;

function randomHex(bytes: number): string {
  if (used + bytes > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  used += bytes;
  return pool.toString('hex', used - bytes, used);
}

/** Prefixed random ids (`sct_…` task, `scu_…` user, `scw_…` subscription, `scd_…` delivery), as SaaS APIs hand out. */
export function newId(prefix: 'sct' | 'scu' | 'scw' | 'scd'): string {
  return `${prefix}_${randomHex(10)}`;
}

export function newApiToken(): string {
  return `sc_tok_${randomBytes(20).toString('base64url')}`;
}
