import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ConfigError, listConfigVariables, listDevSecrets, loadConfig } from '@task-sync/util-config';
import { isSecretVariable, LAG_TOPICS, SERVICES, WORKLOADS, type ServiceName } from './app-configs';
import { K8S_DIR, K8sObject, kustomizeVersion, listOverlays, renderOverlay, ROOT } from './render';
import { validateObject } from './validate';
const { buildSecrets } = require('../scripts/make-secrets.js') as {
  buildSecrets(env: Record<string, string>): { secrets?: Record<string, Record<string, string>>; problems?: string[] };
};

type Workload = keyof typeof WORKLOADS;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** Sample inputs for make-secrets, in the formats its README section asks for and long enough for production. */
const SAMPLE_SECRET_INPUTS: Record<string, string> = {
  DATABASE_URL: 'postgres://task_sync:sample-password@postgres.example.internal:5432/tasksync',
  JWT_SECRET: 'sample-jwt-secret-0123456789abcdef0123',
  OAUTH_STATE_SECRET: 'sample-oauth-state-secret-0123456789abcdef',
  TOKEN_ENCRYPTION_KEYS: 'k1:c2FtcGxlLWtleS0wMTIzNDU2Nzg5YWJjZGVmMDEyMzQ=',
  TOKEN_ENCRYPTION_KEY_ID: 'k1',
  SALESFORCE_CLIENT_ID: 'sample-consumer-key',
  SALESFORCE_CLIENT_SECRET: 'sample-consumer-secret',
  SFDC_INGEST_INTERNAL_TOKEN: 'sample-sfdc-ingest-token-0123456789',
  RECONCILER_INTERNAL_TOKEN: 'sample-reconciler-token-0123456789',
  SALESCONNECT_INGEST_INTERNAL_TOKEN: 'sample-salesconnect-ingest-token-0123456789',
  RECONCILER_OPERATOR_TOKEN: 'sample-reconciler-operator-token-0123456789',
  SALESCONNECT_APP_TOKEN: 'sample-salesconnect-app-token',
  SALESCONNECT_WEBHOOK_SECRET: 'sample-webhook-secret',
  POSTGRES_PASSWORD: 'sample-postgres-password',
};

const MEASURED = JSON.parse(readFileSync(path.join(K8S_DIR, 'measured.json'), 'utf8')) as {
  services: Record<ServiceName, { peakRssMiB: number; drainMs: number }>;
};

const mebibytes = (quantity: string): number => {
  const match = /^(\d+)(Mi|Gi)$/.exec(quantity);
  if (!match) throw new Error(`memory quantity ${quantity}: use Mi or Gi`);
  return Number(match[1]) * (match[2] === 'Gi' ? 1024 : 1);
};

interface ResolvedEnv {
  /** Variable → where its value comes from. */
  sources: Record<
    string,
    | { from: 'configMap'; configMap: string; value: string }
    | { from: 'secret'; secret: string; key: string }
    | { from: 'value'; value: string }
  >;
  problems: string[];
}

class Rendered {
  constructor(
    readonly overlay: string,
    readonly yaml: string,
    readonly objects: K8sObject[],
  ) {}

  all(kind: string): K8sObject[] {
    return this.objects.filter((o) => o.kind === kind);
  }

  one(kind: string, name: string): K8sObject {
    const found = this.objects.find((o) => o.kind === kind && o.metadata.name === name);
    if (!found) throw new Error(`${this.overlay}: no ${kind} ${name}`);
    return found;
  }

  workload(name: Workload): K8sObject {
    return this.one(WORKLOADS[name].kind, name);
  }

  container(name: Workload): Json {
    const containers = this.workload(name).spec.template.spec.containers;
    expect(containers).toHaveLength(1);
    return containers[0];
  }

  /** Every variable the workload's container (or another of its containers) gets, and where from (env wins over envFrom, as in Kubernetes). */
  env(name: Workload, container: Json = this.container(name)): ResolvedEnv {
    const sources: ResolvedEnv['sources'] = {};
    const problems: string[] = [];
    for (const from of container.envFrom ?? []) {
      if (!from.configMapRef) {
        problems.push(`envFrom other than a ConfigMap (${JSON.stringify(from)}): name every secret key explicitly`);
        continue;
      }
      const configMap = this.all('ConfigMap').find((c) => c.metadata.name === from.configMapRef.name);
      if (!configMap) {
        problems.push(`envFrom names ConfigMap ${from.configMapRef.name}, which the overlay does not render`);
        continue;
      }
      for (const [key, value] of Object.entries(configMap.data ?? {})) {
        sources[key] = { from: 'configMap', configMap: configMap.metadata.name, value: String(value) };
      }
    }
    for (const entry of container.env ?? []) {
      if (entry.value !== undefined) sources[entry.name] = { from: 'value', value: entry.value };
      else if (entry.valueFrom?.secretKeyRef)
        sources[entry.name] = {
          from: 'secret',
          secret: entry.valueFrom.secretKeyRef.name,
          key: entry.valueFrom.secretKeyRef.key,
        };
      else if (entry.valueFrom?.configMapKeyRef) {
        const ref = entry.valueFrom.configMapKeyRef;
        const value = this.all('ConfigMap').find((c) => c.metadata.name === ref.name)?.data?.[ref.key];
        if (value === undefined) problems.push(`${entry.name}: ConfigMap ${ref.name} has no key ${ref.key}`);
        else sources[entry.name] = { from: 'configMap', configMap: ref.name, value: String(value) };
      } else problems.push(`${entry.name}: unsupported source ${JSON.stringify(entry.valueFrom)}`);
    }
    return { sources, problems };
  }

  /** The configured (non-secret) value of a variable for a workload. */
  setting(name: Workload, variable: string): string {
    const source = this.env(name).sources[variable];
    if (!source || source.from === 'secret') throw new Error(`${name} has no plain setting ${variable}`);
    return source.value;
  }
}

const RENDERED = new Map<string, Rendered>();
function rendered(overlay: string): Rendered {
  let r = RENDERED.get(overlay);
  if (!r) {
    const { yaml, objects } = renderOverlay(overlay);
    r = new Rendered(overlay, yaml, objects);
    RENDERED.set(overlay, r);
  }
  return r;
}

const secretsFromScript = (() => {
  const result = buildSecrets(SAMPLE_SECRET_INPUTS);
  if (!result.secrets) throw new Error(`make-secrets refused the sample inputs: ${result.problems?.join('; ')}`);
  return result.secrets;
})();

const OVERLAYS = listOverlays();

describe('the Kubernetes manifests', () => {
  it('are rendered by a kustomize that understands them (v5, inside kubectl)', () => {
    expect(OVERLAYS).toEqual(expect.arrayContaining(['dev', 'prod']));
    expect(Number(kustomizeVersion().slice(1).split('.')[0])).toBeGreaterThanOrEqual(5);
  });

  describe.each(OVERLAYS)('overlay %s', (overlay) => {
    const r = () => rendered(overlay);

    it('validates, object by object, against the Kubernetes, KEDA and Prometheus Operator schemas, unknown fields included', () => {
      const problems = r().objects.flatMap(validateObject);
      expect(problems).toEqual([]);
      expect(r().objects.length).toBeGreaterThan(20);
    });

    it('has each object once, all in the overlay’s own namespace', () => {
      const ids = r().objects.map((o) => `${o.kind}/${o.metadata.name}`);
      expect(new Set(ids).size).toBe(ids.length);
      // Set by the overlay, so `kubectl apply -k` never lands in whatever namespace the context points at.
      const namespaces = [...new Set(r().objects.map((o) => o.metadata.namespace))];
      expect(namespaces).toEqual([expect.stringMatching(/^[a-z0-9-]+$/)]);
    });

    it.each(Object.keys(WORKLOADS) as Workload[])(
      '%s: the container gets every variable its config schema reads, and values the schema accepts',
      (name) => {
        const { sources, problems } = r().env(name);
        expect(problems).toEqual([]);
        const schemaVariables = listConfigVariables(WORKLOADS[name].schema);
        expect(schemaVariables.filter((v) => !(v in sources))).toEqual([]);
        // Nothing the app does not read (a typo would be ignored silently), except Node's own options.
        expect(Object.keys(sources).filter((v) => !schemaVariables.includes(v) && v !== 'NODE_OPTIONS')).toEqual([]);
        // With the Secrets make-secrets prints, the environment passes the app's own schema.
        const environment = Object.fromEntries(
          Object.entries(sources).map(([variable, source]) => [
            variable,
            source.from === 'secret' ? secretsFromScript[source.secret]?.[source.key] : source.value,
          ]),
        );
        expect(
          Object.entries(environment)
            .filter(([, value]) => value === undefined)
            .map(([v]) => v),
        ).toEqual([]);
        expect(() => loadConfig(WORKLOADS[name].schema, environment)).not.toThrow();
      },
    );

    it('takes every secret from a Secret by name, never from a ConfigMap or an inline value', () => {
      const exposed: string[] = [];
      for (const name of Object.keys(WORKLOADS) as Workload[]) {
        for (const [variable, source] of Object.entries(r().env(name).sources)) {
          if (isSecretVariable(variable) && source.from !== 'secret')
            exposed.push(`${name}: ${variable} from ${source.from}`);
        }
      }
      expect(exposed).toEqual([]);
      // No key of any ConfigMap names a secret either (a ConfigMap nobody mounts would escape the check above).
      expect(
        r()
          .all('ConfigMap')
          .flatMap((c) => Object.keys(c.data ?? {}).filter(isSecretVariable)),
      ).toEqual([]);
      // The overlay itself carries no Secret: they are created from the environment (scripts/make-secrets.js).
      expect(r().all('Secret')).toEqual([]);
    });

    it('references exactly the Secret keys make-secrets prints', () => {
      const referenced = new Set<string>();
      for (const object of r().objects) {
        const containers = object.spec?.template?.spec?.containers ?? [];
        for (const c of containers)
          for (const e of c.env ?? [])
            if (e.valueFrom?.secretKeyRef)
              referenced.add(`${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`);
      }
      // postgres-credentials is printed when POSTGRES_PASSWORD is given, for overlays with their own PostgreSQL.
      const printed = Object.entries(secretsFromScript)
        .filter(
          ([secret]) =>
            secret !== 'postgres-credentials' ||
            r()
              .all('StatefulSet')
              .some((s) => s.metadata.name === 'postgres'),
        )
        .flatMap(([secret, data]) => Object.keys(data).map((key) => `${secret}/${key}`));
      expect([...referenced].sort()).toEqual(printed.sort());
    });

    it('contains no secret value in plain text: neither a schema default nor a compose development value', () => {
      const compose = parse(readFileSync(path.join(ROOT, 'docker/compose.yaml'), 'utf8')) as {
        services: Record<string, { environment?: Record<string, unknown> }>;
      };
      const known = new Set<string>();
      for (const [name, { schema }] of Object.entries(WORKLOADS)) {
        const defaults = loadConfig(schema, {}) as Record<string, unknown>;
        for (const variable of listConfigVariables(schema).filter(isSecretVariable)) {
          if (typeof defaults[variable] === 'string') known.add(defaults[variable] as string);
          const composed = compose.services[name]?.environment?.[variable];
          if (typeof composed === 'string' && composed !== '') known.add(composed);
        }
      }
      for (const value of Object.values(SAMPLE_SECRET_INPUTS)) known.add(value);
      expect(known.size).toBeGreaterThan(10);
      expect([...known].filter((value) => r().yaml.includes(value))).toEqual([]);
    });

    it.each(Object.keys(WORKLOADS) as Workload[])(
      '%s: runs the image of its Dockerfile, tagged, as non-root, read-only, with no capabilities',
      (name) => {
        const podSpec = r().workload(name).spec.template.spec;
        const container = r().container(name);
        const dockerfile = readFileSync(path.join(ROOT, WORKLOADS[name].dockerfile), 'utf8');
        const [, uid, gid] = /^USER (\d+):(\d+)$/m.exec(dockerfile) ?? [];
        const [, repository, tag] = /^(.+):([^:/]+)$/.exec(container.image) ?? [];
        expect(repository?.split('/').pop()).toBe(name);
        expect(tag).toMatch(/^(?!latest$)[\w.-]+$/);
        expect(podSpec.securityContext).toMatchObject({
          runAsNonRoot: true,
          runAsUser: Number(uid),
          runAsGroup: Number(gid),
          seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(podSpec.securityContext.runAsUser).toBeGreaterThan(0);
        expect(container.securityContext).toEqual({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          privileged: false,
          capabilities: { drop: ['ALL'] },
        });
        expect(podSpec).toMatchObject({ automountServiceAccountToken: false, enableServiceLinks: false });
        expect(podSpec.hostNetwork ?? false).toBe(false);
        for (const resource of ['cpu', 'memory']) {
          expect(container.resources?.requests?.[resource]).toBeDefined();
          expect(container.resources?.limits?.[resource]).toBeDefined();
        }
      },
    );

    it.each(SERVICES)(
      '%s: memory sized from its measured peak RSS (docker/k8s/measured.json), the heap well inside the limit',
      (name) => {
        const { resources } = r().container(name);
        const peak = MEASURED.services[name].peakRssMiB;
        const request = mebibytes(resources.requests.memory);
        const limit = mebibytes(resources.limits.memory);
        expect(request).toBeGreaterThanOrEqual(peak);
        expect(limit).toBeGreaterThanOrEqual(Math.ceil(peak * 1.3));
        // V8's old space is most of the RSS; the rest (code, buffers, new space) needs room under the limit.
        const heap = Number(/--max-old-space-size=(\d+)/.exec(r().setting(name, 'NODE_OPTIONS'))?.[1]);
        expect(heap).toBeGreaterThanOrEqual(128);
        expect(heap).toBeLessThanOrEqual(limit * 0.7);
      },
    );

    it.each(SERVICES)('%s: probes the app’s own health routes on the port it listens on', (name) => {
      const container = r().container(name);
      const port = Number(r().setting(name, 'HTTP_PORT'));
      const dockerfile = readFileSync(path.join(ROOT, WORKLOADS[name].dockerfile), 'utf8');
      // The routes the service answers (libs/util/nest, OpsController), read from its source.
      const ops = readFileSync(path.join(ROOT, 'libs/util/nest/src/lib/observability/ops.controller.ts'), 'utf8');
      expect(ops).toMatch(/@Get\('health\/live'\)/);
      expect(ops).toMatch(/@Get\('health\/ready'\)/);
      expect(ops).toMatch(/@Get\('metrics'\)/);

      expect(container.ports).toEqual([{ name: 'http', containerPort: port, protocol: 'TCP' }]);
      expect(dockerfile).toMatch(new RegExp(`^EXPOSE ${port}$`, 'm'));
      expect(loadConfig(WORKLOADS[name].schema, {}).HTTP_PORT).toBe(port);
      expect(r().setting(name, 'HTTP_HOST')).toBe('0.0.0.0');
      expect(container.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
      expect(container.startupProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
      expect(container.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
      // /health/ready waits up to READINESS_TIMEOUT_MS for each dependency: the probe must wait longer.
      expect(container.readinessProbe.timeoutSeconds * 1000).toBeGreaterThan(
        Number(r().setting(name, 'READINESS_TIMEOUT_MS')),
      );
      // Migrations run before the port opens: the startup probe allows minutes, liveness only then.
      expect(container.startupProbe.periodSeconds * container.startupProbe.failureThreshold).toBeGreaterThanOrEqual(
        120,
      );
      const annotations = r().workload(name).spec.template.metadata.annotations;
      expect(annotations).toEqual({
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': String(port),
        'prometheus.io/path': '/metrics',
      });
    });

    it.each(SERVICES)(
      '%s: gives a SIGTERM drain more time than SHUTDOWN_TIMEOUT_MS and than its measured drain, and rolls one pod at a time',
      (name) => {
        const deployment = r().workload(name);
        const container = r().container(name);
        const grace = deployment.spec.template.spec.terminationGracePeriodSeconds * 1000;
        const preStop = container.lifecycle?.preStop ? Number(container.lifecycle.preStop.exec.command[1]) * 1000 : 0;
        if (container.lifecycle?.preStop) expect(container.lifecycle.preStop.exec.command[0]).toBe('sleep');
        expect(grace).toBeGreaterThan(preStop + Number(r().setting(name, 'SHUTDOWN_TIMEOUT_MS')));
        expect(grace).toBeGreaterThan(preStop + MEASURED.services[name].drainMs);
        // Autoscaled: a replicas field would be reset by every apply.
        expect(deployment.spec.replicas).toBeUndefined();
        expect(deployment.spec.strategy).toEqual({
          type: 'RollingUpdate',
          rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
        });
      },
    );

    it.each(SERVICES)(
      '%s: has a Service on its http port and a PodDisruptionBudget, both selecting its pods',
      (name) => {
        const podLabels = r().workload(name).spec.template.metadata.labels;
        const service = r().one('Service', name);
        const pdb = r().one('PodDisruptionBudget', name);
        expect(podLabels).toMatchObject(service.spec.selector);
        expect(podLabels).toMatchObject(pdb.spec.selector.matchLabels);
        expect(service.spec.ports).toEqual([
          { name: 'http', port: Number(r().setting(name, 'HTTP_PORT')), targetPort: 'http', protocol: 'TCP' },
        ]);
        expect(pdb.spec.maxUnavailable).toBe(1);
      },
    );

    it('points sfdc-ingest, salesconnect-ingest and the reconciler at connector-settings’ Service', () => {
      const service = r().one('Service', 'connector-settings');
      for (const caller of ['sfdc-ingest', 'salesconnect-ingest', 'reconciler'] as const) {
        const url = new URL(r().setting(caller, 'CONNECTOR_SETTINGS_URL'));
        expect(url.hostname.split('.')[0]).toBe(service.metadata.name);
        expect(Number(url.port)).toBe(service.spec.ports[0].port);
      }
    });

    it('scales connector-settings on CPU and each consumer on its group’s lag, never past the partition count', () => {
      const partitions = Number(r().setting('provision-topics', 'KAFKA_TOPIC_PARTITIONS'));
      const hpa = r().one('HorizontalPodAutoscaler', 'connector-settings');
      expect(hpa.spec.scaleTargetRef).toEqual({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: 'connector-settings',
      });
      expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(1);
      expect(hpa.spec.maxReplicas).toBeLessThanOrEqual(partitions);
      const scaled = r().all('ScaledObject');
      expect(scaled.map((s) => s.metadata.name).sort()).toEqual(Object.keys(LAG_TOPICS).sort());
      for (const so of scaled) {
        const name = so.metadata.name as ServiceName;
        expect(so.spec.scaleTargetRef).toEqual({ name });
        expect(so.spec.maxReplicaCount).toBe(partitions);
        expect(so.spec.minReplicaCount).toBeGreaterThanOrEqual(1);
        const kafkaTriggers = so.spec.triggers.filter((t: Json) => t.type === 'kafka');
        expect(kafkaTriggers.map((t: Json) => t.metadata.topic).sort()).toEqual([...(LAG_TOPICS[name] ?? [])].sort());
        for (const trigger of kafkaTriggers) {
          // KEDA's CRD leaves trigger metadata free-form: these are the kafka scaler's documented keys.
          expect(
            Object.keys(trigger.metadata).filter(
              (k) =>
                ![
                  'bootstrapServers',
                  'consumerGroup',
                  'topic',
                  'lagThreshold',
                  'offsetResetPolicy',
                  'allowIdleConsumers',
                ].includes(k),
            ),
          ).toEqual([]);
          expect(trigger.metadata).toMatchObject({
            bootstrapServers: r().setting(name, 'KAFKA_BROKERS'),
            consumerGroup: r().setting(name, 'KAFKA_CONSUMER_GROUP'),
            allowIdleConsumers: 'false',
          });
          expect(Number(trigger.metadata.lagThreshold)).toBeGreaterThan(0);
        }
      }
    });

    it('lets each workload reach only what it needs, and be reached only by what calls it', () => {
      const policies = r().all('NetworkPolicy');
      const port = (name: ServiceName) => Number(r().setting(name, 'HTTP_PORT'));
      const kafkaPorts = [
        ...new Set(
          r()
            .setting('reconciler', 'KAFKA_BROKERS')
            .split(',')
            .map((b) => Number(b.split(':')[1])),
        ),
      ];
      const base = ['dns:53/UDP', 'dns:53/TCP', ...kafkaPorts.map((p) => `kafka:${p}/TCP`)];
      const expected: Record<Workload, { egress: string[]; ingress: string[] }> = {
        'connector-settings': {
          egress: [...base, 'postgresql:5432/TCP', `reconciler:${port('reconciler')}/TCP`, 'public-internet:443/TCP'],
          ingress: [
            `ingress-nginx:${port('connector-settings')}/TCP`,
            `sfdc-ingest:${port('connector-settings')}/TCP`,
            `reconciler:${port('connector-settings')}/TCP`,
            `salesconnect-ingest:${port('connector-settings')}/TCP`,
            `prometheus:${port('connector-settings')}/TCP`,
          ],
        },
        'sfdc-ingest': {
          egress: [
            ...base,
            'postgresql:5432/TCP',
            `connector-settings:${port('connector-settings')}/TCP`,
            'public-internet:443/TCP',
          ],
          ingress: [`prometheus:${port('sfdc-ingest')}/TCP`],
        },
        'salesconnect-ingest': {
          egress: [
            ...base,
            'postgresql:5432/TCP',
            `connector-settings:${port('connector-settings')}/TCP`,
            'public-internet:443/TCP',
          ],
          ingress: [
            `ingress-nginx:${port('salesconnect-ingest')}/TCP`,
            `prometheus:${port('salesconnect-ingest')}/TCP`,
          ],
        },
        reconciler: {
          egress: [
            ...base,
            'postgresql:5432/TCP',
            `connector-settings:${port('connector-settings')}/TCP`,
            'public-internet:443/TCP',
          ],
          ingress: [`connector-settings:${port('reconciler')}/TCP`, `prometheus:${port('reconciler')}/TCP`],
        },
        'provision-topics': { egress: base, ingress: [] },
      };
      for (const name of Object.keys(WORKLOADS) as Workload[]) {
        const labels = r().workload(name).spec.template.metadata.labels;
        const selecting = policies.filter((p) =>
          Object.entries(p.spec.podSelector.matchLabels ?? {}).every(([k, v]) => labels[k] === v),
        );
        const isolated = (type: string) => selecting.some((p) => p.spec.policyTypes.includes(type));
        expect({ name, ingressIsolated: isolated('Ingress'), egressIsolated: isolated('Egress') }).toEqual({
          name,
          ingressIsolated: true,
          egressIsolated: true,
        });
        const allowed = (direction: 'ingress' | 'egress') =>
          selecting
            .flatMap((p) => p.spec[direction] ?? [])
            .flatMap((rule: Json) => {
              const peers = (rule[direction === 'egress' ? 'to' : 'from'] ?? [null]).map(describePeer);
              const ports = (rule.ports ?? [null]).map((p: Json) => (p ? `${p.port}/${p.protocol ?? 'TCP'}` : 'any'));
              return peers.flatMap((peer: string) => ports.map((p: string) => `${peer}:${p}`));
            })
            .sort();
        expect({ name, egress: allowed('egress'), ingress: allowed('ingress') }).toEqual({
          name,
          egress: [...expected[name].egress].sort(),
          ingress: [...expected[name].ingress].sort(),
        });
      }
    });

    it('routes only the public paths through the Ingress, on the host the OAuth, settings-page and webhook URLs name', () => {
      const ingress = r().one('Ingress', 'task-sync');
      const urls = [
        new URL(r().setting('connector-settings', 'OAUTH_REDIRECT_URL')),
        new URL(r().setting('connector-settings', 'SETTINGS_PAGE_URL')),
        new URL(r().setting('salesconnect-ingest', 'SALESCONNECT_WEBHOOK_PUBLIC_URL')),
      ];
      const hosts = ingress.spec.rules.map((rule: Json) => rule.host);
      expect(hosts).toHaveLength(1);
      for (const url of urls) {
        expect(url.host).toBe(hosts[0]);
        expect(url.protocol).toBe('https:');
      }
      expect(ingress.spec.tls.flatMap((t: Json) => t.hosts)).toContain(hosts[0]);
      const route = (pathname: string): string | undefined => {
        const paths = ingress.spec.rules[0].http.paths as Json[];
        const match = paths.find((p) =>
          p.pathType === 'Exact'
            ? pathname === p.path
            : pathname === p.path || pathname.startsWith(p.path.endsWith('/') ? p.path : `${p.path}/`),
        );
        if (!match) return undefined;
        const service = r().one('Service', match.backend.service.name);
        expect(service.spec.ports.map((p: Json) => p.name)).toContain(match.backend.service.port.name);
        return service.metadata.name;
      };
      expect(route(urls[0].pathname)).toBe('connector-settings');
      expect(route(urls[1].pathname)).toBe('connector-settings');
      expect(route('/v1/connections')).toBe('connector-settings');
      expect(route(urls[2].pathname)).toBe('salesconnect-ingest');
      for (const hidden of [
        '/internal/v1/connections/c1/salesforce-session',
        '/metrics',
        '/health/ready',
        '/webhooks/salesconnect/x',
      ])
        expect(route(hidden)).toBeUndefined();
    });

    it('tells Prometheus where /metrics is, and a ServiceMonitor (when present) reaches every Service', () => {
      for (const monitor of r().all('ServiceMonitor')) {
        const selected = r()
          .all('Service')
          .filter((s) =>
            Object.entries(monitor.spec.selector.matchLabels).every(([k, v]) => s.metadata.labels?.[k] === v),
          );
        expect(selected.map((s) => s.metadata.name).sort()).toEqual([...SERVICES].sort());
        for (const endpoint of monitor.spec.endpoints) {
          expect(endpoint.path).toBe('/metrics');
          for (const service of selected) expect(service.spec.ports.map((p: Json) => p.name)).toContain(endpoint.port);
        }
      }
      if (overlay === 'prod') expect(r().all('ServiceMonitor')).toHaveLength(1);
    });

    it("alerts (where the ServiceMonitor is) on connector-settings' R5 delete-window gauge", () => {
      const exprs = r()
        .all('PrometheusRule')
        .flatMap((rule) => rule.spec.groups.flatMap((g: Json) => g.rules.map((x: Json) => x.expr as string)));
      if (overlay === 'prod')
        expect(exprs.some((e) => e.includes('tasksync_settings_delete_window_closes_in_seconds'))).toBe(true);
      expect(r().all('PrometheusRule')).toHaveLength(r().all('ServiceMonitor').length);
    });

    it.each(SERVICES)(
      'runs %s’s migrations first, in an init container of the same image with --migrate-only and the same database',
      (name) => {
        const spec = r().workload(name).spec.template.spec;
        expect(spec.initContainers).toHaveLength(1);
        const [migrate] = spec.initContainers;
        expect(migrate.image).toBe(r().container(name).image);
        expect(migrate.command).toEqual(['node', 'main.js', '--migrate-only']);
        expect(migrate.env.find((e: Json) => e.name === 'DATABASE_URL')).toEqual(
          r()
            .container(name)
            .env.find((e: Json) => e.name === 'DATABASE_URL'),
        );
        expect(migrate.envFrom).toEqual(r().container(name).envFrom);
        expect(migrate.securityContext).toMatchObject({
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
        });
      },
    );

    it.each(SERVICES)(
      '%s: the migration init container, given DATABASE_URL as its one secret, is accepted for --migrate-only',
      (name) => {
        const [migrate] = r().workload(name).spec.template.spec.initContainers;
        const { sources, problems } = r().env(name, migrate);
        expect(problems).toEqual([]);
        expect(
          Object.entries(sources)
            .filter(([, source]) => source.from === 'secret')
            .map(([variable]) => variable),
        ).toEqual(['DATABASE_URL']);
        const environment = Object.fromEntries(
          Object.entries(sources).map(([variable, source]) => [
            variable,
            source.from === 'secret' ? secretsFromScript[source.secret]?.[source.key] : source.value,
          ]),
        );
        // main.ts passes readsSecrets: false with --migrate-only: the secrets it lacks fall back to their development defaults.
        expect(() => loadConfig(WORKLOADS[name].schema, environment, { readsSecrets: false })).not.toThrow();
      },
    );

    it('provisions the topics in a Job that is safe to run again', () => {
      const job = r().workload('provision-topics');
      expect(job.spec.template.spec.restartPolicy).toMatch(/^(OnFailure|Never)$/);
      expect(job.spec.backoffLimit).toBeGreaterThan(0);
      expect(job.spec.ttlSecondsAfterFinished).toBeGreaterThan(0);
      expect(r().setting('provision-topics', 'KAFKA_BROKERS')).toBe(r().setting('reconciler', 'KAFKA_BROKERS'));
    });
  });
});

describe('the prod overlay', () => {
  it('is production, and the dev overlay development', () => {
    expect(rendered('prod').setting('connector-settings', 'DEPLOYMENT_ENV')).toBe('production');
    expect(rendered('dev').setting('connector-settings', 'DEPLOYMENT_ENV')).toBe('development');
  });

  it.each(SERVICES)('%s: is refused with the development defaults left in for its secrets, naming each', (name) => {
    const { sources } = rendered('prod').env(name);
    const fromSecrets = Object.keys(sources).filter((variable) => sources[variable].from === 'secret');
    // Every secret a Secret supplies but DATABASE_URL (whose default holds no password) is declared with devSecret.
    const refusable = fromSecrets
      .filter((variable) => isSecretVariable(variable) && variable !== 'DATABASE_URL')
      .sort();
    expect(refusable.length).toBeGreaterThan(0);
    expect(listDevSecrets(WORKLOADS[name].schema.shape)).toEqual(refusable);

    const environment = Object.fromEntries(
      Object.entries(sources).flatMap(([variable, source]) =>
        source.from === 'secret' ? [] : [[variable, source.value]],
      ),
    );
    let error: unknown;
    try {
      loadConfig(WORKLOADS[name].schema, environment);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { problems, message } = error as ConfigError;
    expect([...new Set(problems.map((problem) => problem.split(/[ :]/)[0]))].sort()).toEqual(refusable);
    const defaults = loadConfig(WORKLOADS[name].schema, {}) as Record<string, unknown>;
    for (const variable of refusable) expect(message).not.toContain(defaults[variable]);
  });
});

/** A NetworkPolicy peer, named for what it is (DNS, Kafka, the Ingress controller, …). */
function describePeer(peer: Json): string {
  if (peer === null) return 'anywhere';
  if (peer.ipBlock) {
    const privateRanges = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16'];
    if (peer.ipBlock.cidr === '0.0.0.0/0' && privateRanges.every((r) => peer.ipBlock.except?.includes(r)))
      return 'public-internet';
    return `ipBlock(${JSON.stringify(peer.ipBlock)})`;
  }
  const pod = peer.podSelector?.matchLabels ?? {};
  const ns = peer.namespaceSelector?.matchLabels ?? {};
  const nsName = ns['kubernetes.io/metadata.name'];
  if (nsName === 'kube-system' && pod['k8s-app'] === 'kube-dns') return 'dns';
  if (nsName === 'ingress-nginx' && pod['app.kubernetes.io/name'] === 'ingress-nginx') return 'ingress-nginx';
  if (nsName === 'monitoring' && !peer.podSelector) return 'prometheus';
  if (
    peer.namespaceSelector &&
    Object.keys(ns).length === 0 &&
    ['kafka', 'postgresql'].includes(pod['app.kubernetes.io/name'])
  )
    return pod['app.kubernetes.io/name'];
  // A pod of this namespace, by name.
  if (!peer.namespaceSelector && Object.keys(pod).length === 1 && pod['app.kubernetes.io/name'])
    return pod['app.kubernetes.io/name'];
  return `peer(${JSON.stringify(peer)})`;
}
