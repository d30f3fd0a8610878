import { computeIdSuffix, isSalesforceIdShape, KEY_PREFIX, makeSalesforceId, toId15, toId18 } from './salesforce-id';

describe('Salesforce ids', () => {
  it.each([
    // Public examples of 15 → 18 character ids.
    ['001A0000006Vm9r', '001A0000006Vm9rIAC'],
    ['003A0000005QB3A', '003A0000005QB3AIAW'],
    ['00T000000000001', '00T000000000001EAA'],
  ])('the suffix of %s makes %s', (id15, id18) => {
    expect(id15 + computeIdSuffix(id15)).toBe(id18);
    expect(toId18(id15)).toBe(id18);
    expect(toId15(id18)).toBe(id15);
  });

  it('ids are 18 characters with the object key prefix and unique per counter', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => makeSalesforceId(KEY_PREFIX.Task, i + 1));
    expect(new Set(ids).size).toBe(5000);
    expect(ids.every((id) => id.length === 18 && id.startsWith('00T') && isSalesforceIdShape(id))).toBe(true);
    // Case-insensitively unique too: that is what the suffix is for.
    expect(new Set(ids.map((id) => id.toLowerCase())).size).toBe(5000);
  });

  it('rejects what is not an id', () => {
    expect(isSalesforceIdShape('bad')).toBe(false);
    expect(isSalesforceIdShape('00T00000000000!AAA')).toBe(false);
  });
});
