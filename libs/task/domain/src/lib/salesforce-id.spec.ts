import { salesforceIdKey, sameSalesforceId, uniqueSalesforceIds } from './salesforce-id';

describe('Salesforce ids: one record, in its 15- or 18-character form', () => {
  it('keys and compares by the first 15 characters, case-sensitively', () => {
    expect(salesforceIdKey('00T000000000001EAA')).toBe('00T000000000001');
    expect(sameSalesforceId('00T000000000001EAA', '00T000000000001')).toBe(true);
    expect(sameSalesforceId('00T000000000001EAA', '00T000000000002EAA')).toBe(false);
    expect(sameSalesforceId('00T00000000000aEAA', '00T00000000000A')).toBe(false);
  });

  it('each record once, in the form it was first named, in order', () => {
    expect(
      uniqueSalesforceIds(['00T000000000002EAA', '00T000000000001', '00T000000000002', '00T000000000001EAA']),
    ).toEqual(['00T000000000002EAA', '00T000000000001']);
  });
});
