import { Controller, Get, Header, Inject, NotFoundException, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { buildSettingsPageCsp } from './settings-page.csp';
import { SettingsPageFiles } from './settings-page.files';

const SETTINGS_PAGE_CSP = buildSettingsPageCsp();

/**
 * Public: the page holds no data until the user's token calls the API. index.html is never stored (it
 * names the current assets); the assets' names carry their content hash, so browsers keep them a year.
 */
@Controller('settings/crm/salesforce')
export class SettingsPageController {
  constructor(@Inject(SettingsPageFiles) private readonly files: SettingsPageFiles) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @Header('Content-Security-Policy', SETTINGS_PAGE_CSP)
  page(): string {
    return this.files.indexHtml;
  }

  @Get('assets/:file')
  asset(@Param('file') file: string, @Res() res: Response): void {
    const asset = this.files.asset(file);
    if (!asset) throw new NotFoundException(`no asset ${file}`);
    res
      .status(200)
      .set({ 'Content-Type': asset.type, 'Cache-Control': 'public, max-age=31536000, immutable' })
      .send(asset.body);
  }
}
