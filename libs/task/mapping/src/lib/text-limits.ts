import { SFDC_LIMITS } from '@task-sync/task-domain';

const ELLIPSIS = '…';

/**
 * Cuts text to a Salesforce field's length, marking the cut with a trailing ellipsis. Sales Connect
 * holds longer names and details; it keeps its full text, Salesforce gets the cut one, and the cut
 * text coming back unchanged is recognised (by comparing in Salesforce's view) and never
 * overwrites the full text.
 */
export function fitToLength(text: string, max: number): string {
  const chars = Array.from(text); // count code points, not UTF-16 units: an emoji is one character
  return chars.length <= max ? text : chars.slice(0, max - 1).join('') + ELLIPSIS;
}

export const fitSubject = (text: string) => fitToLength(text, SFDC_LIMITS.subject);
export const fitDescription = (text: string) => fitToLength(text, SFDC_LIMITS.description);
