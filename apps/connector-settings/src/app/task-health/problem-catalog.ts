/** A group of failed tasks in plain words: what went wrong, and what the rep or admin can do. */
export interface ProblemWords {
  title: string;
  advice: string;
}

type Side = 'sfdc' | 'salesconnect';

const RETRY = 'Then click Retry now (or wait: it is retried every 30 minutes for a day).';

/** Salesforce's refusals, by its error code. */
const SALESFORCE: Record<string, ProblemWords> = {
  FIELD_CUSTOM_VALIDATION_EXCEPTION: {
    title: 'A Salesforce validation rule refused the task',
    advice: `Your Salesforce admin's validation rule (its message is below) does not accept the task as it is. Change the task so the rule accepts it, or ask your admin to change the rule. ${RETRY}`,
  },
  REQUIRED_FIELD_MISSING: {
    title: 'Salesforce requires a field the task does not have',
    advice: `Your org requires a Task field the sync does not fill. Ask your Salesforce admin to give it a default value or make it optional. ${RETRY}`,
  },
  STRING_TOO_LONG: {
    title: 'The task is too long for Salesforce',
    advice: `Shorten the subject (255 characters) or the details (32,000) in Sales Connect; the change is sent again by itself.`,
  },
  INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST: {
    title: 'Salesforce does not allow one of the task’s values',
    advice: `A picklist in your org (status, priority or type) does not allow the value sent. Ask your Salesforce admin to allow it for your record type. ${RETRY}`,
  },
  INSUFFICIENT_ACCESS_OR_READONLY: {
    title: 'You may not edit this task in Salesforce',
    advice: `Your Salesforce user cannot edit the task (it may be someone else's, or read-only for your profile). Ask your Salesforce admin for access. ${RETRY}`,
  },
  INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY: {
    title: 'You may not see the record the task is about',
    advice: `The task's contact, lead or related record is not visible to your Salesforce user. Ask your Salesforce admin for access. ${RETRY}`,
  },
  DUPLICATE_VALUE: {
    title: 'Salesforce already has this task',
    advice:
      'Another Salesforce task holds the same Sales Connect id. Ask your Salesforce admin to remove the copy, then Retry now.',
  },
  CANNOT_EXECUTE_FLOW_TRIGGER: {
    title: 'A Salesforce flow or trigger failed on the task',
    advice: `An automation in your org failed when the task was saved (its message is below). Ask your Salesforce admin to look at it. ${RETRY}`,
  },
  WRITE_RETRIES_EXHAUSTED: {
    title: 'Salesforce did not answer, several times in a row',
    advice: 'Salesforce was busy or unreachable while the task was written. It usually passes: click Retry now.',
  },
  HELD_OVER_UNREAD_CHANGE: {
    title: 'The task kept changing in Salesforce while it was being written',
    advice: 'Someone (or an automation) kept editing the task. Once it stops changing, click Retry now.',
  },
};

/** Sales Connect's refusals, by its error code. */
const SALES_CONNECT: Record<string, ProblemWords> = {
  VALIDATION_FAILED: {
    title: 'Sales Connect refused the task',
    advice: `Sales Connect does not accept one of the task's values (its message is below). Change the task in Salesforce; the change is sent again by itself.`,
  },
  USER_NOT_FOUND: {
    title: 'Your Sales Connect user was not found',
    advice: 'Your Sales Connect account may have been deactivated. Ask your Sales Connect admin, then Retry now.',
  },
  UNAUTHORIZED: {
    title: 'Sales Connect refused the sync’s access',
    advice:
      'The integration’s access to Sales Connect was refused. Ask your admin to check the Task sync integration, then Retry now.',
  },
  WRITE_RETRIES_EXHAUSTED: {
    title: 'Sales Connect did not answer, several times in a row',
    advice: 'Sales Connect was busy or unreachable while the task was written. It usually passes: click Retry now.',
  },
  HELD_OVER_UNREAD_CHANGE: {
    title: 'The task kept changing in Sales Connect while it was being written',
    advice: 'Once it stops changing, click Retry now.',
  },
};

const SIDE_NAME: Record<Side, string> = { sfdc: 'Salesforce', salesconnect: 'Sales Connect' };

/** The plain words for a (side, code) group; a code we do not know gets the side's name and a generic advice. */
export function describeProblem(side: Side, code: string): ProblemWords {
  const known = (side === 'sfdc' ? SALESFORCE : SALES_CONNECT)[code];
  if (known) return known;
  return {
    title: `${SIDE_NAME[side]} refused the task (${code})`,
    advice: `${SIDE_NAME[side]}'s own message is below. Fix what it names, then click Retry now; if it keeps failing, Ignore it and tell your admin.`,
  };
}
