import { SFDC_LIMITS } from '@task-sync/task-domain';

const ELLIPSIS = '…';

/**
 * Cuts text to a Salesforce field's length (in UTF-16 code units, as Salesforce counts), marking the cut with a trailing ellipsis. Sales Connect
 * holds longer names and details; it keeps its full text, Salesforce gets the cut one, and the cut
 * text coming back unchanged is recognised (by comparing in Salesforce's view) and never
 * overwrites the full text.
 */
export function fitToLength(text: string, max: number): string {
  // Salesforce counts UTF-16 code units (an emoji is two), so the cut does too; it never ends
  // between the two halves of a surrogate pair (that half would be an invalid character).
  if (text.length <= max) return text;
  let end = max - ELLIPSIS.length;
  if (isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
  return text.slice(0, end) + ELLIPSIS;
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

export const fitSubject = (text: string) => fitToLength(text, SFDC_LIMITS.subject);
export const fitDescription = (text: string) => fitToLength(text, SFDC_LIMITS.description);
