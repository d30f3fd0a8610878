import { SFDC_LIMITS } from '@task-sync/task-domain';

const ELLIPSIS = '…';

/**
 * Sales Connect keeps the full text; the cut text coming back is recognised in Salesforce's view
 * and never overwrites it. Lengths in UTF-16 code units, as Salesforce counts (an emoji is two).
 */
export function fitToLength(text: string, max: number): string {
  // Never cut between the halves of a surrogate pair: a lone half is an invalid character.
  if (text.length <= max) return text;
  let end = max - ELLIPSIS.length;
  if (isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
  return text.slice(0, end) + ELLIPSIS;
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

export const fitSubject = (text: string) => fitToLength(text, SFDC_LIMITS.subject);
export const fitDescription = (text: string) => fitToLength(text, SFDC_LIMITS.description);
