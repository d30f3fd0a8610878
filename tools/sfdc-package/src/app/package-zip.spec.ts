import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { zipPackageDir } from './package-zip';

describe('zipPackageDir', () => {
  it("zips the repository's salesforce/ folder with package.xml at the root and the component files beside it", () => {
    const { zip, files } = zipPackageDir(path.resolve(__dirname, '../../../../salesforce'));
    expect(files).toEqual([
      'objects/Activity.object',
      'package.xml',
      'permissionsets/SalesConnect_Task_Sync.permissionset',
    ]);
    const entries = unzipSync(new Uint8Array(zip));
    expect(strFromU8(entries['package.xml'])).toContain('<members>Activity.SalesConnect_Task_Id__c</members>');
    expect(strFromU8(entries['objects/Activity.object'])).toMatch(
      /<externalId>true<\/externalId>[\s\S]*<length>64<\/length>[\s\S]*<unique>true<\/unique>/,
    );
  });

  it('refuses a folder without package.xml', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sfdc-package-'));
    mkdirSync(path.join(dir, 'objects'));
    writeFileSync(path.join(dir, 'objects', 'Activity.object'), '<CustomObject/>');
    expect(() => zipPackageDir(dir)).toThrow(`${dir} has no package.xml`);
  });
});
