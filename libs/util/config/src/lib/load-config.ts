import { z } from 'zod';
import { findDevelopmentSecrets } from './dev-secret';

/** Thrown at boot when the environment does not satisfy an app's config schema. Lists every problem. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

export interface LoadConfigOptions {
  /**
   * Whether this run reads the app's secrets (default true). `main.js --migrate-only` does not: its
   * init container is given DATABASE_URL alone, so the production secret check is skipped there.
   */
  readsSecrets?: boolean;
}

/**
 * Reads an app's configuration once, at boot. Empty strings count as unset, so `FOO=` falls back
 * to the default instead of failing a number parse. With DEPLOYMENT_ENV=production, a secret
 * declared with devSecret that keeps its development value, or is too short, is refused too.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: Env, options: LoadConfigOptions = {}): z.output<S> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  const shape: Record<string, z.ZodType> = schema instanceof z.ZodObject ? schema.shape : {};
  // Field by field when the whole fails, so one bad variable does not hide a development secret.
  const parsed = (result.success ? result.data : parseEachField(shape, cleaned)) as Record<string, unknown>;
  const problems = result.success
    ? []
    : result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  if (parsed.DEPLOYMENT_ENV === 'production' && options.readsSecrets !== false)
    problems.push(...findDevelopmentSecrets(shape, parsed));
  if (!result.success || problems.length > 0) throw new ConfigError(problems);
  return result.data;
}

function parseEachField(shape: Record<string, z.ZodType>, env: Record<string, unknown>): Record<string, unknown> {
  const parsed: Record<string, unknown> = {};
  for (const [variable, field] of Object.entries(shape)) {
    const result = field.safeParse(env[variable]);
    if (result.success) parsed[variable] = result.data;
  }
  return parsed;
}

/** The variable names a schema reads: used to check that compose and Kubernetes provide them all. */
export function listConfigVariables(schema: z.ZodObject): string[] {
  return Object.keys(schema.shape).sort();
}
