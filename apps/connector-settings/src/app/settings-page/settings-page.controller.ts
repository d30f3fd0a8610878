import { Controller, Get, Header } from '@nestjs/common';
import { SETTINGS_PAGE_HTML } from './settings-page.html';

/** The settings page (Settings → CRM → Salesforce → Configure). Public: it holds no data until the user's token calls the API. */
@Controller('settings/crm/salesforce')
export class SettingsPageController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  page(): string {
    return SETTINGS_PAGE_HTML;
  }
}
