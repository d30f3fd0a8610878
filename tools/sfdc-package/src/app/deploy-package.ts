import type { Connection } from 'jsforce';
import type { DeployResult } from 'jsforce/lib/api/metadata/schema';

export interface DeployOptions {
  /** Validate only: Salesforce checks the package and changes nothing. */
  checkOnly: boolean;
  pollIntervalMs: number;
  timeoutMs: number;
  /** Each status seen while the deploy runs (Queued, InProgress, …). */
  onProgress?: (status: string) => void;
}

/**
 * Deploys a package zip through the Metadata API (SOAP `deploy`, then `checkDeployStatus` with
 * details until done). All or nothing (`rollbackOnError`), as production orgs require.
 */
export async function deployPackage(conn: Connection, zip: Buffer, options: DeployOptions): Promise<DeployResult> {
  const started = Date.now();
  const { id } = await conn.metadata.deploy(zip, {
    singlePackage: true,
    rollbackOnError: true,
    checkOnly: options.checkOnly,
  });
  for (;;) {
    const result = await conn.metadata.checkDeployStatus(id, true);
    if (result.done) return result;
    options.onProgress?.(result.status);
    if (Date.now() - started > options.timeoutMs)
      throw new Error(
        `deploy ${id} not done after ${Math.round(options.timeoutMs / 1000)} s (last status ${result.status}); see Setup → Deployment Status`,
      );
    await new Promise((resolve) => setTimeout(resolve, options.pollIntervalMs));
  }
}

/** What the admin reads: one line per component, then the outcome. */
export function describeDeployResult(result: DeployResult): { ok: boolean; lines: string[] } {
  const successes = [result.details?.componentSuccesses ?? []].flat().filter((m) => m.fullName !== 'package.xml');
  const failures = [result.details?.componentFailures ?? []].flat();
  const verb = (m: { created: boolean; changed: boolean }) =>
    m.created ? 'created' : m.changed ? 'changed' : 'unchanged';
  const lines = [
    ...successes.map((m) => `ok      ${m.componentType} ${m.fullName} (${result.checkOnly ? 'valid' : verb(m)})`),
    ...failures.map((m) => `FAILED  ${m.componentType} ${m.fullName}: ${m.problem ?? 'no reason given'}`),
  ];
  const ok = result.success === true;
  const what = result.checkOnly ? 'validation' : 'deploy';
  lines.push(
    ok
      ? `${what} ${result.id} ${result.status}: ${successes.length} component(s)`
      : `${what} ${result.id} ${result.status}${result.errorMessage ? `: ${result.errorMessage}` : ''}; nothing was changed`,
  );
  return { ok, lines };
}
