import { loadConfig } from '@task-sync/util-config';
import { checkComposeAgainstSchema, checkProductionSecrets } from '@task-sync/util-config/testing';
import { reconcilerConfigSchema } from './reconciler.config';

/** The variables production refuses on their development defaults. */
const SECRET_VARIABLES = ['INTERNAL_SERVICE_TOKEN', 'SALESCONNECT_APP_TOKEN', 'OPERATOR_TOKEN'];

/** Secrets of production's own, long enough for its minimums. */
const PRODUCTION_SECRETS: Record<string, string> = {
  INTERNAL_SERVICE_TOKEN: 'production-reconciler-token-0123456789',
  SALESCONNECT_APP_TOKEN: 'sc_app_production_0123456789',
  OPERATOR_TOKEN: 'production-operator-token-0123456789abcdef',
};

describe('reconciler config', () => {
  it('starts on a fresh machine with no variable set', () => {
    const config = loadConfig(reconcilerConfigSchema, {});
    expect(config.HTTP_PORT).toBe(3103);
    expect(config.SERVICE_NAME).toBe('reconciler');
  });

  it('refuses production on the development secrets, naming each, and starts with secrets of its own', () => {
    const check = checkProductionSecrets(reconcilerConfigSchema, PRODUCTION_SECRETS);
    expect(check.refused).toEqual(SECRET_VARIABLES);
    expect(check.printedValues).toEqual([]);
    expect(check.accepted).toMatchObject({ DEPLOYMENT_ENV: 'production', ...PRODUCTION_SECRETS });
  });

  it('is fully provided by docker/compose.yaml, with values the schema accepts', () => {
    expect(checkComposeAgainstSchema('reconciler', reconcilerConfigSchema)).toEqual({ missing: [], invalid: null });
  });
});
