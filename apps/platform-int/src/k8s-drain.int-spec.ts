import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { encodeEvent, KAFKA_TOPICS, MESSAGE_HEADERS, SFDC_TASK_CHANGED } from '@task-sync/contracts';
import { createDatabase, freePort, ServiceProcess, waitFor, withPg } from '@task-sync/testing-stack';
import {
  groupAtLogEnd,
  offsetsOf,
  publishSettingChanges,
  settingChanged,
  sfdcTaskChanged,
  testEnv,
  uniqueId,
  useKafkaClients,
} from './support/stack';

const ROOT = path.resolve(__dirname, '../../..');
// Enough that each consumer is stopped mid-backlog: at 400 one drained it all before its SIGTERM once the sync got faster.
const MESSAGES = 1200;

/** What the Secrets give the consumers (make-secrets.js): the prod overlay is production, which refuses the development ones. */
const SECRETS = {
  INTERNAL_SERVICE_TOKEN: randomBytes(32).toString('base64url'),
  SALESCONNECT_APP_TOKEN: randomBytes(16).toString('hex'),
  SALESCONNECT_WEBHOOK_SECRET: randomBytes(16).toString('hex'),
  OPERATOR_TOKEN: randomBytes(32).toString('base64url'),
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type K8sObject = { kind: string; metadata: { name: string }; data?: Record<string, string>; spec?: any };

/** The production overlay exactly as `kubectl apply -k docker/k8s/overlays/prod` would send it. */
function renderProd(): K8sObject[] {
  const yaml = execFileSync('kubectl', ['kustomize', path.join(ROOT, 'docker/k8s/overlays/prod')], {
    encoding: 'utf8',
  });
  return parseAllDocuments(yaml).map((d) => d.toJS() as K8sObject);
}

/** What the manifests give one consumer: its plain settings (ConfigMaps), grace period, preStop sleep and probes. */
function deploymentOf(objects: K8sObject[], name: string) {
  const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name);
  if (!deployment) throw new Error(`the prod overlay has no Deployment ${name}`);
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];
  const settings: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    Object.assign(
      settings,
      objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === from.configMapRef.name)?.data,
    );
  }
  const preStopMs = container.lifecycle?.preStop ? Number(container.lifecycle.preStop.exec.command[1]) * 1000 : 0;
  const probes = ['startupProbe', 'livenessProbe', 'readinessProbe'].map((p) => container[p].httpGet.path as string);
  return { settings, graceMs: pod.terminationGracePeriodSeconds * 1000, preStopMs, probes };
}

/** Each consumer, its PostgreSQL schema and the topics its group reads in this test. */
const CONSUMERS = [
  { name: 'sfdc-ingest', schema: 'sfdc_ingest', topics: [KAFKA_TOPICS.settingsChanges] },
  { name: 'salesconnect-ingest', schema: 'salesconnect_ingest', topics: [KAFKA_TOPICS.settingsChanges] },
  { name: 'reconciler', schema: 'reconciler', topics: [KAFKA_TOPICS.settingsChanges, KAFKA_TOPICS.sfdcTaskChanges] },
] as const;

describe('SIGTERM under load, with the settings and grace periods of the Kubernetes manifests', () => {
  const kafka = useKafkaClients();

  it('every consumer drains within its terminationGracePeriodSeconds, commits what it did, and a restart loses and repeats nothing', async () => {
    const manifests = renderProd();
    const databaseUrl = await createDatabase(testEnv.newDatabaseName('k8s_drain'));
    const tenantId = uniqueId('tenant-k8s-drain');
    const groups: Record<string, string> = {};
    for (const c of CONSUMERS) groups[c.name] = await groupAtLogEnd(kafka.admin, `${c.name}-k8s-drain`, c.topics);

    const processed = (schema: string) =>
      withPg(databaseUrl, async (c) => {
        const { rows } = await c.query(
          `SELECT topic, count(*)::int AS n FROM ${schema}.processed_message GROUP BY topic`,
        );
        return Object.fromEntries(rows.map((r) => [r.topic as string, r.n as number])) as Record<string, number>;
      });
    const start = async (c: (typeof CONSUMERS)[number]) => {
      const { settings: configured } = deploymentOf(manifests, c.name);
      const port = await freePort();
      // The manifests' own settings (heap size, SHUTDOWN_TIMEOUT_MS, concurrency, log level, …);
      // only where things are differs: this machine's broker, database and ports.
      return ServiceProcess.start(
        c.name,
        {
          ...configured,
          ...SECRETS,
          HTTP_PORT: String(port),
          KAFKA_BROKERS: testEnv.brokers.join(','),
          KAFKA_CONSUMER_GROUP: groups[c.name],
          DATABASE_URL: databaseUrl,
          CONNECTOR_SETTINGS_URL: 'http://127.0.0.1:9',
          SALESCONNECT_API_URL: 'http://127.0.0.1:9',
          SALESCONNECT_WEBHOOK_PUBLIC_URL: `http://127.0.0.1:${port}/webhooks/salesconnect`,
        },
        port,
      );
    };

    const first = await Promise.all(CONSUMERS.map(start));
    // The probes of the manifests answer on the running service.
    for (const [i, c] of CONSUMERS.entries()) {
      for (const probe of deploymentOf(manifests, c.name).probes)
        expect({ probe, status: (await fetch(`${first[i].url}${probe}`)).status }).toEqual({ probe, status: 200 });
    }
    // The load arrives while all three run. Disables: applied by every consumer's projection, and no
    // import or write is started anywhere.
    const settings = Array.from({ length: MESSAGES }, () =>
      settingChanged({ tenantId, enabled: false, kind: 'disable' }),
    );
    for (let i = 0; i < settings.length; i += 300)
      await publishSettingChanges(kafka.producer, settings.slice(i, i + 300));
    const changes = settings.map((s) => sfdcTaskChanged(s.connectionId));
    await kafka.producer.send({
      topic: KAFKA_TOPICS.sfdcTaskChanges,
      acks: -1,
      messages: changes.map((e) => ({
        key: `${e.connectionId}:${e.taskId}`,
        value: encodeEvent(SFDC_TASK_CHANGED, e),
        headers: { [MESSAGE_HEADERS.eventId]: e.eventId, [MESSAGE_HEADERS.eventType]: e.type },
      })),
    });

    // Each one gets its SIGTERM as soon as it is busy with the backlog, while most of it is still ahead.
    const stops = await Promise.all(
      CONSUMERS.map(async (c, i) => {
        await waitFor(
          `${c.name} to be busy with the backlog`,
          async () => ((await processed(c.schema))[KAFKA_TOPICS.settingsChanges] ?? 0) >= 50,
        );
        return first[i].stop('SIGTERM');
      }),
    );
    console.log(
      `SIGTERM to exit: ${CONSUMERS.map((c, i) => `${c.name} ${stops[i].ms} ms (grace ${deploymentOf(manifests, c.name).graceMs} ms)`).join(', ')}`,
    );
    for (const [i, c] of CONSUMERS.entries()) {
      const { graceMs, preStopMs, settings: configured } = deploymentOf(manifests, c.name);
      const atStop = await processed(c.schema);
      const total = c.topics.reduce((sum, t) => sum + (atStop[t] ?? 0), 0);
      // Exit 0: drained before its own SHUTDOWN_TIMEOUT_MS; and before Kubernetes would SIGKILL it.
      expect({ service: c.name, code: stops[i].code }).toEqual({ service: c.name, code: 0 });
      expect(stops[i].ms).toBeLessThan(Number(configured.SHUTDOWN_TIMEOUT_MS));
      expect(stops[i].ms + preStopMs).toBeLessThan(graceMs);
      expect(total).toBeLessThan(MESSAGES * c.topics.length); // stopped mid-backlog, really under load
      expect(first[i].logs.some((l) => l.msg === 'consumer stopped')).toBe(true);

      // Everything it applied was committed: per partition, the highest offset applied is below the commit.
      for (const topic of c.topics) {
        const offsets = await offsetsOf(kafka.admin, groups[c.name], topic);
        const applied = await withPg(databaseUrl, (db) =>
          db.query(
            `SELECT partition, max(kafka_offset)::int AS max FROM ${c.schema}.processed_message WHERE topic = $1 GROUP BY partition`,
            [topic],
          ),
        );
        for (const { partition, max } of applied.rows) {
          expect({
            service: c.name,
            topic,
            partition,
            committedPast: max < (offsets.find((o) => o.partition === partition)?.committed ?? -1),
          }).toEqual({
            service: c.name,
            topic,
            partition,
            committedPast: true,
          });
        }
      }
    }

    const second = await Promise.all(CONSUMERS.map(start));
    try {
      for (const [i, c] of CONSUMERS.entries()) {
        await waitFor(
          `${c.name} to apply the rest`,
          async () => {
            const n = await processed(c.schema);
            return c.topics.every((t) => n[t] === MESSAGES);
          },
          90_000,
        );
        // Nothing redelivered after a commit, so nothing was found already processed.
        expect({
          service: c.name,
          duplicates: await second[i].metric('tasksync_kafka_messages_consumed_total', { outcome: 'duplicate' }),
        }).toEqual({ service: c.name, duplicates: 0 });
        const applied = await withPg(databaseUrl, (db) =>
          db.query(
            `SELECT count(*)::int AS n FROM ${c.schema}.connection_setting WHERE tenant_id = $1 AND NOT enabled`,
            [tenantId],
          ),
        );
        expect({ service: c.name, settings: applied.rows[0].n }).toEqual({ service: c.name, settings: MESSAGES });
      }
    } finally {
      await Promise.all(second.map((s) => s.stop()));
      await kafka.admin.deleteGroups(Object.values(groups)).catch(() => undefined);
    }
  });
});
