import { describeEndpoint } from './endpoint-name';

describe('describeEndpoint', () => {
  it.each([
    ['GET', '/query', 'GET query'],
    ['GET', '/query/01gABC-2000', 'GET query/{locator}'],
    ['GET', '/sobjects/Task/describe', 'GET sobjects/Task/describe'],
    ['PATCH', '/sobjects/Task/00T000000000001AAA', 'PATCH sobjects/Task/{id}'],
    ['PATCH', '/sobjects/Task/SalesConnect_Task_Id__c/sc-1', 'PATCH sobjects/Task/SalesConnect_Task_Id__c/{value}'],
    ['POST', '/composite/sobjects', 'POST composite/sobjects'],
    ['POST', '/composite', 'POST composite'],
  ])('%s %s is %s', (method, path, name) => {
    expect(describeEndpoint(method, path)).toBe(name);
  });
});
