import { decideConnect } from './connect-decision';

const ORG = '00D000000000001EAA';
const REP = '005Kx0000000001AAA';

describe('decideConnect: one connection per user and tenant (issue 22, reconnect in place)', () => {
  it.each([
    ['no connection yet', null, { orgId: ORG, userId: REP }, false, 'create'],
    ['no connection yet, start over asked', null, { orgId: ORG, userId: REP }, true, 'create'],
    ['the same Salesforce user: in place', { orgId: ORG, userId: REP }, { orgId: ORG, userId: REP }, false, 'reconnect'],
    ['the same user, ids in their 15-character form', { orgId: ORG, userId: REP }, { orgId: ORG.slice(0, 15), userId: REP.slice(0, 15) }, false, 'reconnect'],
    ['the same user with start over asked: still in place', { orgId: ORG, userId: REP }, { orgId: ORG, userId: REP }, true, 'reconnect'],
    ['another user of the org, not confirmed', { orgId: ORG, userId: REP }, { orgId: ORG, userId: '005000000000002AAA' }, false, 'refuse-other-account'],
    ['another org, not confirmed', { orgId: ORG, userId: REP }, { orgId: '00D000000000002EAA', userId: REP }, false, 'refuse-other-account'],
    ['another user, confirmed', { orgId: ORG, userId: REP }, { orgId: ORG, userId: '005000000000002AAA' }, true, 'start-over'],
    ['another org, confirmed', { orgId: ORG, userId: REP }, { orgId: '00D000000000002EAA', userId: '005000000000009AAA' }, true, 'start-over'],
    // Ids are case-sensitive in their 15-character form.
    ['a user id differing only in case', { orgId: ORG, userId: REP }, { orgId: ORG, userId: '005kX0000000001AAA' }, false, 'refuse-other-account'],
  ] as const)('%s → %s', (_name, existing, granted, startOver, expected) => {
    expect(decideConnect(existing, granted, startOver)).toBe(expected);
  });
});
