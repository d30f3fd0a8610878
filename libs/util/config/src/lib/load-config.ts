import { z } from 'zod';

/** Thrown at boot when the environment does not satisfy an app's config schema. Lists every problem. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads an app's configuration once, at boot. Empty strings count as unset, so `FOO=` falls back
 * to the default instead of failing a number parse.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: Env): z.output<S> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  return result.data;
}

/** The variable names a schema reads: used to check that compose and Kubernetes provide them all. */
export function listConfigVariables(schema: z.ZodObject): string[] {
  return Object.keys(schema.shape).sort();
}
