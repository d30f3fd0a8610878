import { loadConfig } from '@task-sync/util-config';
import { checkComposeAgainstSchema } from '@task-sync/util-config/testing';
import { provisionConfigSchema } from './provision.config';

describe('provision-topics config', () => {
  it('defaults to the local broker', () => {
    expect(loadConfig(provisionConfigSchema, {})).toEqual({
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      KAFKA_TOPIC_PARTITIONS: 6,
      KAFKA_REPLICATION_FACTOR: 1,
    });
  });

  it('is fully provided by docker/compose.yaml, with values the schema accepts', () => {
    expect(checkComposeAgainstSchema('provision-topics', provisionConfigSchema)).toEqual({
      missing: [],
      invalid: null,
    });
  });
});
