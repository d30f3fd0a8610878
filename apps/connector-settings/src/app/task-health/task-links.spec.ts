import { buildTaskLinks } from './task-links';

describe('buildTaskLinks', () => {
  it("opens the task in Salesforce's Lightning and in Sales Connect's app", () => {
    expect(
      buildTaskLinks(
        { sfdcTaskId: '00T1', salesConnectTaskId: 'sc 1' },
        'https://acme.my.salesforce.com/',
        'https://app.salesconnect.test/tasks/{taskId}',
      ),
    ).toEqual({
      salesforceUrl: 'https://acme.my.salesforce.com/lightning/r/Task/00T1/view',
      salesConnectUrl: 'https://app.salesconnect.test/tasks/sc%201',
    });
  });

  it('has no link for a side the task is not on yet', () => {
    expect(buildTaskLinks({ sfdcTaskId: null, salesConnectTaskId: null }, 'https://x', 'https://y/{taskId}')).toEqual({
      salesforceUrl: null,
      salesConnectUrl: null,
    });
  });
});
