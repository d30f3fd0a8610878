import type { DeployResult } from 'jsforce/lib/api/metadata/schema';
import { describeDeployResult } from './deploy-package';

const message = (componentType: string, fullName: string, extra: Record<string, unknown> = {}) => ({
  changed: true,
  componentType,
  created: true,
  createdDate: '2026-11-24T10:00:00.000Z',
  deleted: false,
  fileName: 'x',
  fullName,
  success: true,
  ...extra,
});
const result = (extra: Partial<DeployResult>): DeployResult =>
  ({
    id: '0Af000000000001AAA',
    done: true,
    checkOnly: false,
    status: 'Succeeded',
    success: true,
    details: { componentSuccesses: [], componentFailures: [] },
    ...extra,
  }) as unknown as DeployResult;

describe('describeDeployResult: what the admin reads', () => {
  it('a success lists each component (package.xml left out) as created, changed or unchanged', () => {
    const out = describeDeployResult(
      result({
        details: {
          componentSuccesses: [
            message('CustomField', 'Activity.SalesConnect_Task_Id__c'),
            message('PermissionSet', 'SalesConnect_Task_Sync', { created: false, changed: false }),
            message('', 'package.xml'),
          ],
          componentFailures: [],
        } as unknown as DeployResult['details'],
      }),
    );
    expect(out).toEqual({
      ok: true,
      lines: [
        'ok      CustomField Activity.SalesConnect_Task_Id__c (created)',
        'ok      PermissionSet SalesConnect_Task_Sync (unchanged)',
        'deploy 0Af000000000001AAA Succeeded: 2 component(s)',
      ],
    });
  });

  it("a failure gives each problem in Salesforce's words and says nothing was changed", () => {
    const out = describeDeployResult(
      result({
        status: 'Failed',
        success: false,
        details: {
          componentSuccesses: [message('', 'package.xml')],
          componentFailures: message('PermissionSet', 'SalesConnect_Task_Sync', {
            success: false,
            problem: 'In field: field - no CustomField named Task.SalesConnect_Task_Id__c found',
          }),
        } as unknown as DeployResult['details'],
      }),
    );
    expect(out.ok).toBe(false);
    expect(out.lines).toEqual([
      'FAILED  PermissionSet SalesConnect_Task_Sync: In field: field - no CustomField named Task.SalesConnect_Task_Id__c found',
      'deploy 0Af000000000001AAA Failed; nothing was changed',
    ]);
  });

  it('a check-only run is a validation', () => {
    expect(
      describeDeployResult(
        result({
          checkOnly: true,
          details: {
            componentSuccesses: [message('CustomField', 'Activity.SalesConnect_Task_Id__c')],
            componentFailures: [],
          } as unknown as DeployResult['details'],
        }),
      ).lines,
    ).toEqual([
      'ok      CustomField Activity.SalesConnect_Task_Id__c (valid)',
      'validation 0Af000000000001AAA Succeeded: 1 component(s)',
    ]);
  });
});
