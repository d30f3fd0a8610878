import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65535);
const positiveMs = z.coerce.number().int().positive();

/** `KAFKA_BROKERS` as a list: comma-separated, the local broker unless told. Services also check each is host:port. */
export const kafkaBrokerList = z
  .string()
  .default('127.0.0.1:9092')
  .transform((s) =>
    s
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean),
  );

/**
 * The variables every service reads. Each app extends this with its own, in one schema per app.
 * Defaults work on a fresh development machine: PostgreSQL and Kafka on 127.0.0.1.
 */
/**
 * Our name on both sides: `Sforce-Call-Options: client=…` and `X-Client-App`; changes carrying it are
 * our own. The reconciler writes under it; salesconnect-ingest knows its own creates coming back by it.
 */
export const syncClientName = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/)
  .default('task-sync');

export function serviceConfigShape(defaults: { serviceName: string; httpPort: number }) {
  return {
    /** `production` refuses to start on a development secret (devSecret); the Kubernetes prod overlay sets it. */
    DEPLOYMENT_ENV: z.enum(['development', 'production']).default('development'),
    SERVICE_NAME: z.string().min(1).default(defaults.serviceName),
    HTTP_PORT: port.default(defaults.httpPort),
    /** Address the HTTP server binds to; 0.0.0.0 in containers. */
    HTTP_HOST: z.string().min(1).default('127.0.0.1'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
    DATABASE_URL: z.url().default('postgres://postgres@127.0.0.1:5432/postgres'),
    /** Comma-separated host:port list. */
    KAFKA_BROKERS: kafkaBrokerList.pipe(z.array(z.string().regex(/^[^\s:]+:\d+$/, 'expected host:port')).min(1)),
    KAFKA_CLIENT_ID: z.string().min(1).default(defaults.serviceName),
    /** How long SIGTERM may take: stop consuming, finish in-flight work, commit, close. */
    SHUTDOWN_TIMEOUT_MS: positiveMs.default(25_000),
    /** How long a readiness probe waits for Kafka or PostgreSQL before calling them down. */
    READINESS_TIMEOUT_MS: positiveMs.default(2_000),
  };
}

/** Consumers add their group id. */
export function consumerConfigShape(defaults: { groupId: string }) {
  return {
    KAFKA_CONSUMER_GROUP: z.string().min(1).default(defaults.groupId),
    /** Attempts for a message whose handler throws, before the consumer restarts from the last commit. */
    KAFKA_HANDLER_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
    /**
     * How long the group waits for a silent member before handing its partitions on: after a crash
     * (SIGKILL, a lost node) nothing is consumed from them until then. Heartbeats go every third of it.
     * 6 s is the broker's default floor (`group.min.session.timeout.ms`); kafkajs' own default is 30 s.
     */
    KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).max(300_000).default(6_000),
  };
}

export type ServiceConfig = z.output<z.ZodObject<ReturnType<typeof serviceConfigShape>>>;
export type ConsumerConfig = z.output<z.ZodObject<ReturnType<typeof consumerConfigShape>>>;
