import { z } from 'zod';
import { ConfigError, listConfigVariables, loadConfig } from './load-config';
import { serviceConfigShape } from './service-config.schema';

const schema = z.object(serviceConfigShape({ serviceName: 'svc', httpPort: 3999 }));

describe('loadConfig', () => {
  it('applies every default on an empty environment', () => {
    const config = loadConfig(schema, {});
    expect(config.HTTP_PORT).toBe(3999);
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092']);
    expect(config.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/postgres');
    expect(config.SERVICE_NAME).toBe('svc');
  });

  it('parses values and splits the broker list', () => {
    const config = loadConfig(schema, { HTTP_PORT: '4000', KAFKA_BROKERS: 'a:1, b:2' });
    expect(config.HTTP_PORT).toBe(4000);
    expect(config.KAFKA_BROKERS).toEqual(['a:1', 'b:2']);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig(schema, { HTTP_PORT: '' }).HTTP_PORT).toBe(3999);
  });

  it('names every bad variable in one error', () => {
    let error: unknown;
    try {
      loadConfig(schema, { HTTP_PORT: 'eighty', KAFKA_BROKERS: 'no-port', LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/HTTP_PORT/);
    expect(problems).toMatch(/KAFKA_BROKERS/);
    expect(problems).toMatch(/LOG_LEVEL/);
  });

  it('lists the variables a schema reads', () => {
    expect(listConfigVariables(schema)).toContain('DATABASE_URL');
    expect(listConfigVariables(schema)).toContain('SHUTDOWN_TIMEOUT_MS');
  });
});
