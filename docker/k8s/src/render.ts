import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

export const K8S_DIR = path.resolve(__dirname, '..');
export const ROOT = path.resolve(K8S_DIR, '../..');

/** One rendered Kubernetes object, as plain JSON. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [field: string]: any;
}

/** Every overlay under docker/k8s/overlays: a new one is checked without being named anywhere. */
export function listOverlays(): string[] {
  return readdirSync(path.join(K8S_DIR, 'overlays'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

/**
 * Renders a kustomization with the real kustomize built into kubectl (`kubectl kustomize`, the
 * same code `kubectl apply -k` runs), so what is checked is exactly what the platform team applies.
 */
export function renderKustomization(dir: string): { yaml: string; objects: K8sObject[] } {
  let yaml: string;
  try {
    yaml = execFileSync('kubectl', ['kustomize', dir], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    });
  } catch (e) {
    const error = e as NodeJS.ErrnoException & { stderr?: string };
    if (error.code === 'ENOENT')
      throw new Error(
        'kubectl is not on PATH: the manifests are rendered with `kubectl kustomize` (kubectl 1.27+, kustomize v5)',
      );
    throw new Error(`kubectl kustomize ${dir} failed: ${error.stderr ?? error.message}`);
  }
  const objects = parseAllDocuments(yaml).map((doc) => {
    if (doc.errors.length) throw new Error(`unparsable output of kubectl kustomize ${dir}: ${doc.errors[0].message}`);
    return doc.toJS() as K8sObject;
  });
  return { yaml, objects };
}

export function renderOverlay(name: string): { yaml: string; objects: K8sObject[] } {
  return renderKustomization(path.join(K8S_DIR, 'overlays', name));
}

/** The kustomize version inside kubectl, e.g. `v5.5.0`. */
export function kustomizeVersion(): string {
  const out = execFileSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  const match = /Kustomize Version:\s*(v[\d.]+)/.exec(out);
  if (!match) throw new Error(`no kustomize version in: ${out}`);
  return match[1];
}
