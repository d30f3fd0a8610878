import { loadConfig } from '@task-sync/util-config';
import { checkComposeAgainstSchema } from '@task-sync/util-config/testing';
import { salesconnectIngestConfigSchema } from './salesconnect-ingest.config';

describe('salesconnect-ingest config', () => {
  it('starts on a fresh machine with no variable set', () => {
    const config = loadConfig(salesconnectIngestConfigSchema, {});
    expect(config.HTTP_PORT).toBe(3102);
    expect(config.SERVICE_NAME).toBe('salesconnect-ingest');
  });

  it('is fully provided by docker/compose.yaml, with values the schema accepts', () => {
    expect(checkComposeAgainstSchema('salesconnect-ingest', salesconnectIngestConfigSchema)).toEqual({ missing: [], invalid: null });
  });
});
