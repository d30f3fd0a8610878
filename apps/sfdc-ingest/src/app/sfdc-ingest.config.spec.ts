import { loadConfig } from '@task-sync/util-config';
import { checkComposeAgainstSchema } from '@task-sync/util-config/testing';
import { sfdcIngestConfigSchema } from './sfdc-ingest.config';

describe('sfdc-ingest config', () => {
  it('starts on a fresh machine with no variable set', () => {
    const config = loadConfig(sfdcIngestConfigSchema, {});
    expect(config.HTTP_PORT).toBe(3101);
    expect(config.SERVICE_NAME).toBe('sfdc-ingest');
  });

  it('is fully provided by docker/compose.yaml, with values the schema accepts', () => {
    expect(checkComposeAgainstSchema('sfdc-ingest', sfdcIngestConfigSchema)).toEqual({ missing: [], invalid: null });
  });
});
