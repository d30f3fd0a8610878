// Test helpers: import from '@task-sync/util-config/testing'.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { z } from 'zod';
import { ConfigError, listConfigVariables, loadConfig } from './lib/load-config';

const ROOT = path.resolve(__dirname, '../../../..');

/** The `environment` map of one service in docker/compose.yaml. */
export function readComposeEnvironment(
  service: string,
  file = path.join(ROOT, 'docker/compose.yaml'),
): Record<string, string> {
  const compose = parse(readFileSync(file, 'utf8'), { merge: true }) as {
    services?: Record<string, { environment?: Record<string, string | number | boolean> | string[] }>;
  };
  const environment = compose.services?.[service]?.environment;
  if (environment === undefined) throw new Error(`docker/compose.yaml has no environment for service ${service}`);
  if (Array.isArray(environment)) {
    return Object.fromEntries(environment.map((entry) => [entry.split('=')[0], entry.split('=').slice(1).join('=')]));
  }
  return Object.fromEntries(Object.entries(environment).map(([k, v]) => [k, String(v)]));
}

/**
 * What an app's config schema reads that compose does not provide, and whether compose's values
 * pass the schema: compose and the code cannot drift apart silently.
 */
export function checkComposeAgainstSchema(
  service: string,
  schema: z.ZodObject,
): { missing: string[]; invalid: string | null } {
  const environment = readComposeEnvironment(service);
  const missing = listConfigVariables(schema).filter((name) => !(name in environment));
  let invalid: string | null = null;
  try {
    loadConfig(schema, environment);
  } catch (e) {
    invalid = (e as Error).message;
  }
  return { missing, invalid };
}

/**
 * How an app's schema treats production: the variables it refuses on the development defaults,
 * any default value its refusal prints (there should be none), and the config it loads with the
 * given secrets of production's own.
 */
export function checkProductionSecrets(
  schema: z.ZodObject,
  ownSecrets: Record<string, string>,
): { refused: string[]; printedValues: string[]; accepted: Record<string, unknown> } {
  const defaults = loadConfig(schema, {}) as Record<string, unknown>;
  let problems: string[] = [];
  try {
    loadConfig(schema, { DEPLOYMENT_ENV: 'production' });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    problems = e.problems;
  }
  const refused = problems.map((p) => p.split(':')[0]);
  const printedValues = refused.map((v) => String(defaults[v])).filter((value) => problems.join('\n').includes(value));
  return {
    refused,
    printedValues,
    accepted: loadConfig(schema, { ...ownSecrets, DEPLOYMENT_ENV: 'production' }) as Record<string, unknown>,
  };
}
