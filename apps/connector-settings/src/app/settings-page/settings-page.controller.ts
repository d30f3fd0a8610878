import { Controller, Get, Header } from '@nestjs/common';
import { buildSettingsPageCsp } from './settings-page.csp';
import { SETTINGS_PAGE_HTML } from './settings-page.html';

const SETTINGS_PAGE_CSP = buildSettingsPageCsp(SETTINGS_PAGE_HTML);

/** The settings page (Settings → CRM → Salesforce → Configure). Public: it holds no data until the user's token calls the API. */
@Controller('settings/crm/salesforce')
export class SettingsPageController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @Header('Content-Security-Policy', SETTINGS_PAGE_CSP)
  page(): string {
    return SETTINGS_PAGE_HTML;
  }
}
