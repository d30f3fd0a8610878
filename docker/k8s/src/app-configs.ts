import type { z } from 'zod';
import { KAFKA_TOPICS } from '@task-sync/contracts';
import { connectorSettingsConfigSchema } from '../../../apps/connector-settings/src/app/connector-settings.config';
import { reconcilerConfigSchema } from '../../../apps/reconciler/src/app/reconciler.config';
import { salesconnectIngestConfigSchema } from '../../../apps/salesconnect-ingest/src/app/salesconnect-ingest.config';
import { sfdcIngestConfigSchema } from '../../../apps/sfdc-ingest/src/app/sfdc-ingest.config';
import { provisionConfigSchema } from '../../../tools/provision-topics/src/provision.config';

export type ServiceName = 'connector-settings' | 'sfdc-ingest' | 'salesconnect-ingest' | 'reconciler';

/** Each workload, its config schema (the one list of variables it reads) and its Dockerfile. */
export const WORKLOADS: Record<
  ServiceName | 'provision-topics',
  { schema: z.ZodObject; kind: 'Deployment' | 'Job'; dockerfile: string }
> = {
  'connector-settings': {
    schema: connectorSettingsConfigSchema,
    kind: 'Deployment',
    dockerfile: 'docker/connector-settings.Dockerfile',
  },
  'sfdc-ingest': { schema: sfdcIngestConfigSchema, kind: 'Deployment', dockerfile: 'docker/sfdc-ingest.Dockerfile' },
  'salesconnect-ingest': {
    schema: salesconnectIngestConfigSchema,
    kind: 'Deployment',
    dockerfile: 'docker/salesconnect-ingest.Dockerfile',
  },
  reconciler: { schema: reconcilerConfigSchema, kind: 'Deployment', dockerfile: 'docker/reconciler.Dockerfile' },
  'provision-topics': { schema: provisionConfigSchema, kind: 'Job', dockerfile: 'docker/provision-topics.Dockerfile' },
};

export const SERVICES = Object.keys(WORKLOADS).filter(
  (n) => WORKLOADS[n as ServiceName].kind === 'Deployment',
) as ServiceName[];

/** The topics whose lag each consumer's autoscaler may follow: the ones it does its work from. */
export const LAG_TOPICS: Partial<Record<ServiceName, string[]>> = {
  'sfdc-ingest': [KAFKA_TOPICS.settingsChanges],
  'salesconnect-ingest': [KAFKA_TOPICS.settingsChanges],
  reconciler: [KAFKA_TOPICS.sfdcTaskChanges, KAFKA_TOPICS.salesconnectTaskChanges],
};

/**
 * A variable whose value must come from a Secret: credentials in a URL, keys, tokens, secrets,
 * passwords. By name, so a new `…_SECRET` or `…_TOKEN` in a schema is held to it without a list.
 */
export function isSecretVariable(name: string): boolean {
  return name === 'DATABASE_URL' || /(SECRET|TOKENS?|PASSWORD|_KEYS?)$/.test(name);
}
