import { EXTERNAL_ID_FIELD, type ProbeAnswer } from '@task-sync/sfdc-client';

/** What the org's reader needs, each checked on its own. */
export type PreflightItemKey = 'view-all-data' | 'task-change-data-capture' | 'external-id-field';

export interface PreflightItem {
  key: PreflightItemKey;
  label: string;
  state: 'ok' | 'missing';
  /** What was found, and for a missing item what an administrator does about it. */
  message: string;
}

/** The reader's last preflight, stored as it is shown (org_reader.preflight). */
export interface ReaderPreflight {
  /** Every item ok: the org's changes can be read through the reader. */
  passed: boolean;
  checkedAt: string;
  items: PreflightItem[];
}

export type PreflightAnswers = Record<PreflightItemKey, ProbeAnswer<boolean>>;

/** A preflight to store, or none: Salesforce did not answer every check this time, so ask again later. */
export type PreflightOutcome =
  { kind: 'checked'; preflight: ReaderPreflight } | { kind: 'inconclusive'; reason: string };

/** The questions the preflight asks Salesforce as the reader (SalesforceOrgProbe in sfdc-client). */
export interface ReaderChecks {
  /** Both in one Composite call. */
  readViewAllDataAndExternalIdField(): Promise<{
    viewAllData: ProbeAnswer<boolean>;
    externalIdField: ProbeAnswer<boolean>;
  }>;
  readTaskChangeEventSelection(): Promise<ProbeAnswer<boolean>>;
}

interface ItemWording {
  label: string;
  ok: (user: string) => string;
  missing: (user: string) => string;
  /** Salesforce refused the question itself: the item cannot pass as things stand. */
  refused: (user: string, why: string) => string;
}

const WORDING: Record<PreflightItemKey, ItemWording> = {
  'view-all-data': {
    label: 'View All Data',
    ok: (user) => `${user} has View All Data.`,
    missing: (user) =>
      `${user} lacks View All Data, which Change Data Capture needs to deliver Task changes: add it to the user's profile or a permission set.`,
    refused: (user, why) => `Salesforce would not say whether ${user} has View All Data (${why}).`,
  },
  'task-change-data-capture': {
    label: 'Change Data Capture for Task',
    ok: () => 'Task is selected for Change Data Capture.',
    missing: () => 'Task is not selected for Change Data Capture: select it in Setup → Change Data Capture.',
    refused: (user, why) =>
      `Salesforce would not show ${user} the Change Data Capture selection (${why}): the reader also needs View Setup and Configuration.`,
  },
  'external-id-field': {
    label: `${EXTERNAL_ID_FIELD} readable`,
    ok: (user) => `${user} can read Task.${EXTERNAL_ID_FIELD}.`,
    missing: (user) =>
      `${user} cannot see Task.${EXTERNAL_ID_FIELD}: create the field, or make it visible to the user's profile (field-level security).`,
    refused: (user, why) => `Salesforce would not describe Task to ${user} (${why}).`,
  },
};

const ORDER: PreflightItemKey[] = ['view-all-data', 'task-change-data-capture', 'external-id-field'];

/** Salesforce's messages can be long (a SOQL error repeats the statement): the page shows a line. */
const brief = (code: string, message: string): string => {
  const text = `${code}: ${message.replace(/\s+/g, ' ').trim()}`;
  return text.length > 240 ? `${text.slice(0, 239)}…` : text;
};

/**
 * An answer that did not come (5xx, the daily limit, the network) makes the whole run inconclusive,
 * so a passing reader is not failed by a blip.
 */
export function assembleReaderPreflight(
  answers: PreflightAnswers,
  readerUsername: string,
  checkedAt: Date,
): PreflightOutcome {
  const unanswered = ORDER.flatMap((key) => {
    const answer = answers[key];
    return answer.kind === 'unavailable' ? [`${WORDING[key].label}: ${brief(answer.code, answer.message)}`] : [];
  });
  if (unanswered.length > 0)
    return { kind: 'inconclusive', reason: `Salesforce did not answer (${unanswered.join('; ')})` };
  const items = ORDER.map((key): PreflightItem => {
    const answer = answers[key];
    const wording = WORDING[key];
    if (answer.kind === 'answered') {
      return {
        key,
        label: wording.label,
        state: answer.value ? 'ok' : 'missing',
        message: answer.value ? wording.ok(readerUsername) : wording.missing(readerUsername),
      };
    }
    return {
      key,
      label: wording.label,
      state: 'missing',
      message: wording.refused(readerUsername, brief(answer.code, answer.message)),
    };
  });
  return {
    kind: 'checked',
    preflight: { passed: items.every((i) => i.state === 'ok'), checkedAt: checkedAt.toISOString(), items },
  };
}

export async function runReaderPreflight(
  checks: ReaderChecks,
  readerUsername: string,
  now: () => Date = () => new Date(),
): Promise<PreflightOutcome> {
  const { viewAllData, externalIdField } = await checks.readViewAllDataAndExternalIdField();
  const answers: PreflightAnswers = {
    'view-all-data': viewAllData,
    'task-change-data-capture': await checks.readTaskChangeEventSelection(),
    'external-id-field': externalIdField,
  };
  return assembleReaderPreflight(answers, readerUsername, now());
}
