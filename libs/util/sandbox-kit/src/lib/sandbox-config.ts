import type { z } from 'zod';

/**
 * Reads a sandbox's settings from the environment once, at start: empty strings count as unset (so
 * `FOO=` keeps the default), and every bad variable is named in one error. The sandboxes are test
 * tooling, so they parse their own settings instead of borrowing the product's config library.
 */
export function loadSandboxConfig<S extends z.ZodType>(
  schema: S,
  env: Readonly<Record<string, string | undefined>>,
): z.output<S> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`Invalid sandbox configuration:\n  - ${problems.join('\n  - ')}`);
  }
  return result.data;
}
