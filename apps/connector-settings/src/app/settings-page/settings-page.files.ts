import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { inlineCodeIn } from './settings-page.csp';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export interface SettingsPageAsset {
  body: Buffer;
  type: string;
}

/** Read once at boot: a few tens of kB. */
export class SettingsPageFiles {
  private constructor(
    readonly indexHtml: string,
    private readonly assets: Map<string, SettingsPageAsset>,
  ) {}

  static load(dir: string): SettingsPageFiles {
    let indexHtml: string;
    try {
      indexHtml = readFileSync(path.join(dir, 'index.html'), 'utf8');
    } catch (e) {
      throw new Error(
        `the settings page is not built in ${dir} (nx build settings-ui, which nx build connector-settings runs first): ${(e as Error).message}`,
      );
    }
    const inline = inlineCodeIn(indexHtml);
    if (inline.length > 0)
      throw new Error(`the settings page's index.html has ${inline.join(', ')}: its CSP allows none`);
    const assets = new Map<string, SettingsPageAsset>();
    const assetDir = path.join(dir, 'assets');
    for (const name of readdirSync(assetDir)) {
      const type = TYPES[path.extname(name)];
      if (type) assets.set(name, { body: readFileSync(path.join(assetDir, name)), type });
    }
    return new SettingsPageFiles(indexHtml, assets);
  }

  /** An asset by its file name; only what the build wrote is served, so no path reaches outside it. */
  asset(name: string): SettingsPageAsset | undefined {
    return this.assets.get(name);
  }
}
