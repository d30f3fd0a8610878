import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { zipSync } from 'fflate';

/**
 * A metadata folder (source of `deploy`) as the Metadata API takes it: every file, package.xml at
 * the zip's root (deployed with `singlePackage: true`). Throws when the folder has no package.xml.
 */
export function zipPackageDir(dir: string): { zip: Buffer; files: string[] } {
  if (!statSync(path.join(dir, 'package.xml'), { throwIfNoEntry: false })?.isFile())
    throw new Error(`${dir} has no package.xml: give the package folder (--dir)`);
  const files: Record<string, Uint8Array> = {};
  const walk = (at: string, prefix: string) => {
    for (const name of readdirSync(at).sort()) {
      const full = path.join(at, name);
      if (statSync(full).isDirectory()) walk(full, `${prefix}${name}/`);
      else files[`${prefix}${name}`] = readFileSync(full);
    }
  };
  walk(dir, '');
  return { zip: Buffer.from(zipSync(files)), files: Object.keys(files) };
}
