import { loadConfig } from '@task-sync/util-config';
import { checkComposeAgainstSchema } from '@task-sync/util-config/testing';
import { connectorSettingsConfigSchema } from './connector-settings.config';

describe('connector-settings config', () => {
  it('starts on a fresh machine with no variable set', () => {
    const config = loadConfig(connectorSettingsConfigSchema, {});
    expect(config.HTTP_PORT).toBe(3000);
    expect(config.SERVICE_NAME).toBe('connector-settings');
  });

  it('is fully provided by docker/compose.yaml, with values the schema accepts', () => {
    expect(checkComposeAgainstSchema('connector-settings', connectorSettingsConfigSchema)).toEqual({ missing: [], invalid: null });
  });
});
