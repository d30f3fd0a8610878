import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { PrometheusRule, ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import type { K8sObject } from './render';

interface Model {
  apiVersion: string;
  kind: string;
  prototype: { validate(): void };
}

/**
 * The kinds the manifests may use, each with its schema: the Kubernetes OpenAPI schemas
 * (kubernetes-models), KEDA's CRD (@kubernetes-models/keda) and the Prometheus Operator's CRD
 * (@kubernetes-models/prometheus-operator). A kind not listed here fails the check.
 */
const MODELS: Model[] = [
  ConfigMap,
  Secret,
  Service,
  Deployment,
  StatefulSet,
  Job,
  HorizontalPodAutoscaler,
  PodDisruptionBudget,
  NetworkPolicy,
  Ingress,
  ScaledObject,
  ServiceMonitor,
  PrometheusRule,
];

/** Wraps a value so every property the schema's validator looks at is recorded by its path. */
function track(value: unknown, at: string, seen: Set<string>): unknown {
  if (value === null || typeof value !== 'object') return value;
  return new Proxy(value as object, {
    get(target, key, receiver) {
      if (typeof key !== 'string') return Reflect.get(target, key, receiver);
      seen.add(`${at}/${key}`);
      return track(Reflect.get(target, key, receiver), `${at}/${key}`, seen);
    },
    // Maps (labels, ConfigMap data, KEDA's trigger metadata) are validated by walking their keys.
    ownKeys(target) {
      for (const key of Reflect.ownKeys(target)) if (typeof key === 'string') seen.add(`${at}/${key}`);
      return Reflect.ownKeys(target);
    },
  });
}

function unlooked(value: unknown, at: string, seen: Set<string>, out: string[]): void {
  if (value === null || typeof value !== 'object') return;
  for (const key of Object.keys(value)) {
    const child = `${at}/${key}`;
    if (!seen.has(child)) out.push(child);
    else unlooked((value as Record<string, unknown>)[key], child, seen, out);
  }
}

/**
 * What is wrong with one object against its schema, as the API server's strict field validation
 * would see it: type, enum and required-field errors from the schema, plus every field the schema
 * does not know (the models' validators accept unknown fields; `kubectl apply` rejects them), found
 * by noting which fields the validator read.
 */
export function validateObject(object: K8sObject): string[] {
  const model = MODELS.find((m) => m.apiVersion === object.apiVersion && m.kind === object.kind);
  const where = `${object.kind}/${object.metadata?.name}`;
  if (!model) return [`${where}: no schema for ${object.apiVersion} ${object.kind}`];
  const problems: string[] = [];
  const seen = new Set<string>();
  try {
    model.prototype.validate.call(track(object, '', seen));
  } catch (e) {
    problems.push(`${where}: ${(e as Error).message}`);
  }
  const unknown: string[] = [];
  unlooked(object, '', seen, unknown);
  for (const field of unknown) problems.push(`${where}: unknown field ${field}`);
  return problems;
}
