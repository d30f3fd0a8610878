import type { z } from 'zod';

export interface DevSecretOptions {
  /** The shortest value production accepts; for a list-valued secret, the shortest part. */
  productionMinLength: number;
  /**
   * A list-valued secret's secret parts (e.g. each token of `name:token,…`): each is held to the
   * minimum, and refused when it is one of the development value's parts.
   */
  parts?: (value: string) => string[];
  /** The configuration does not read this secret (JWT_SECRET beside JWT_JWKS_URL): nothing to check. */
  unusedWhen?: (config: Readonly<Record<string, unknown>>) => boolean;
}

interface DeclaredSecret extends DevSecretOptions {
  developmentValue: string;
}

// Keyed by the schema objects themselves, so a schema needs no wrapper type and nothing leaks.
const declaredSecrets = new WeakMap<z.ZodType, DeclaredSecret>();

/**
 * A secret whose default is a development value written in the repository: `npm start` works with
 * no setup, and loadConfig refuses it (or anything shorter than the minimum) when DEPLOYMENT_ENV is
 * production. `schema` keeps the development-mode rules the tests rely on.
 */
export function devSecret(
  schema: z.ZodString,
  developmentValue: string,
  options: DevSecretOptions,
): z.ZodDefault<z.ZodString> {
  const secret = schema.default(developmentValue);
  declaredSecrets.set(secret, { ...options, developmentValue });
  return secret;
}

/** The variables of a shape declared with devSecret. */
export function listDevSecrets(shape: Readonly<Record<string, z.ZodType>>): string[] {
  return Object.keys(shape)
    .filter((variable) => declaredSecrets.has(shape[variable]))
    .sort();
}

/**
 * What production refuses in a parsed configuration, one line a problem. Each names the variable
 * (and the entry of a list by its position) and never the value, since these lines are logged.
 */
export function findDevelopmentSecrets(
  shape: Readonly<Record<string, z.ZodType>>,
  config: Readonly<Record<string, unknown>>,
): string[] {
  const problems: string[] = [];
  for (const [variable, field] of Object.entries(shape)) {
    const secret = declaredSecrets.get(field);
    const value = config[variable];
    if (!secret || typeof value !== 'string' || secret.unusedWhen?.(config)) continue;
    const min = secret.productionMinLength;
    if (value === secret.developmentValue) {
      const length = secret.parts ? `each entry's secret ${min}+ characters` : `${min}+ characters`;
      problems.push(`${variable}: still the development default; production needs a secret of its own (${length})`);
    } else if (!secret.parts) {
      if (value.length < min) problems.push(`${variable}: shorter than the ${min} characters production requires`);
    } else {
      const developmentParts = new Set(secret.parts(secret.developmentValue));
      const parts = secret.parts(value);
      parts.forEach((part, i) => {
        const entry = `${variable} (entry ${i + 1} of ${parts.length})`;
        if (developmentParts.has(part)) problems.push(`${entry}: a development value; production needs one of its own`);
        else if (part.length < min) problems.push(`${entry}: shorter than the ${min} characters production requires`);
      });
    }
  }
  return problems;
}
