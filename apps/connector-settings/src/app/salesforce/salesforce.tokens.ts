/** Injection token for the settings page URL the OAuth callback returns to. */
export const SETTINGS_PAGE_URL = Symbol('SETTINGS_PAGE_URL');
export interface SettingsPageUrl {
  value: string;
}
