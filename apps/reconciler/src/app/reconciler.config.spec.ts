import { loadConfig } from '@task-sync/util-config';
import { checkComposeAgainstSchema } from '@task-sync/util-config/testing';
import { reconcilerConfigSchema } from './reconciler.config';

describe('reconciler config', () => {
  it('starts on a fresh machine with no variable set', () => {
    const config = loadConfig(reconcilerConfigSchema, {});
    expect(config.HTTP_PORT).toBe(3103);
    expect(config.SERVICE_NAME).toBe('reconciler');
  });

  it('is fully provided by docker/compose.yaml, with values the schema accepts', () => {
    expect(checkComposeAgainstSchema('reconciler', reconcilerConfigSchema)).toEqual({ missing: [], invalid: null });
  });
});
