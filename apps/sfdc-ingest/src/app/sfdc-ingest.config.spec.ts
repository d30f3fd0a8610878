import { loadConfig } from '@task-sync/util-config';
import { checkComposeAgainstSchema, checkProductionSecrets } from '@task-sync/util-config/testing';
import { sfdcIngestConfigSchema } from './sfdc-ingest.config';

/** The variables production refuses on their development defaults. */
const SECRET_VARIABLES = ['INTERNAL_SERVICE_TOKEN'];

/** Secrets of production's own, long enough for its minimums. */
const PRODUCTION_SECRETS: Record<string, string> = {
  INTERNAL_SERVICE_TOKEN: 'production-sfdc-ingest-token-0123456789',
};

describe('sfdc-ingest config', () => {
  it('starts on a fresh machine with no variable set', () => {
    const config = loadConfig(sfdcIngestConfigSchema, {});
    expect(config.HTTP_PORT).toBe(3101);
    expect(config.SERVICE_NAME).toBe('sfdc-ingest');
  });

  it('refuses production on the development secrets, naming each, and starts with secrets of its own', () => {
    const check = checkProductionSecrets(sfdcIngestConfigSchema, PRODUCTION_SECRETS);
    expect(check.refused).toEqual(SECRET_VARIABLES);
    expect(check.printedValues).toEqual([]);
    expect(check.accepted).toMatchObject({ DEPLOYMENT_ENV: 'production', ...PRODUCTION_SECRETS });
  });

  it('is fully provided by docker/compose.yaml, with values the schema accepts', () => {
    expect(checkComposeAgainstSchema('sfdc-ingest', sfdcIngestConfigSchema)).toEqual({ missing: [], invalid: null });
  });
});
