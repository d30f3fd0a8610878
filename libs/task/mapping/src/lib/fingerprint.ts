import { TASK_FIELD_NAMES, type TaskFields } from '@task-sync/task-domain';

/**
 * For echo detection. cyrb53 (public-domain 53-bit hash): no crypto needed, it only has to tell
 * versions of one task apart.
 */
export function fingerprintFields(fields: TaskFields): string {
  const canonical = JSON.stringify(TASK_FIELD_NAMES.map((name) => fields[name]));
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < canonical.length; i++) {
    const ch = canonical.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, '0');
}
