import { SalesConnectAdmin, sleep, type SyncUser } from '@task-sync/testing-stack';
import { summarizeLatency } from '../report/stats';
import { DIRECTIONS, type AtRestResult, type Direction, type LatencySummary, type ReadMode } from '../report/results';
import type { TaskPair } from './import-run';
import { BenchSalesforceAdmin } from './org-reader';
import { logsSince, make, match, SC_TO_SF, SF_TO_SC, type Change } from './steady-run';
import { SandboxLogFollower } from './sandbox-logs';

/** After an arrival, the sync's follow-ups (the external id stamped back, the echo read and dropped) finish before the next change. */
const GAP_MS = 1_000;
/** A change not arrived by then counts as made but not arrived, and the next one is made. */
const ARRIVAL_WAIT_MS = 60_000;
const LOOK_EVERY_MS = 200;

export interface AtRestOptions {
  /** Changes a direction. */
  changes: number;
  readMode: ReadMode;
}

/**
 * One change at a time, measured as the steady run measures. The pairs it edits are taken out of
 * `pools`, so the steady run never changes them again.
 */
export async function runAtRest(
  users: SyncUser[],
  pools: TaskPair[][],
  options: AtRestOptions,
  log: (line: string) => void,
): Promise<AtRestResult> {
  const stack = users[0].stack;
  const orgId = users[0].orgId;
  const sfAdmin = new BenchSalesforceAdmin(stack.url('salesforce-sandbox'));
  const scAdmin = new SalesConnectAdmin(stack.url('salesconnect-sandbox'));
  const startedAt = Date.now();
  const samples: AtRestResult['samples'] = [];
  const made: Record<Direction, number> = { [SF_TO_SC]: 0, [SC_TO_SF]: 0 } as Record<Direction, number>;
  log(`at rest: ${options.changes} changes each way, one at a time (read mode: ${options.readMode})`);
  for (let i = 0; i < 2 * options.changes; i++) {
    const direction = i % 2 === 0 ? SF_TO_SC : SC_TO_SF;
    const n = Math.floor(i / 2);
    const u = n % users.length;
    const pool = pools[u];
    const at = pool.findIndex((p) => p.open);
    const pair = n % 2 === 1 && at >= 0 ? pool.splice(at, 1)[0] : undefined;
    const kind = pair ? 'edit' : 'create';
    const change: Change = {
      direction,
      kind,
      user: u,
      title: `bench at rest ${n + 1} ${direction === SF_TO_SC ? 'sf' : 'sc'} ${kind}`,
      pair,
      sourceId: pair && (direction === SF_TO_SC ? pair.sfdcId : pair.scId),
    };
    const since = Date.now();
    try {
      await make(users[u], change);
    } catch (e) {
      log(`at rest: the benchmark's own change failed (not counted): ${(e as Error).message}`);
      continue;
    }
    made[direction]++;
    const logs = new SandboxLogFollower(sfAdmin, scAdmin, orgId, logsSince(since));
    for (const waitUntil = Date.now() + ARRIVAL_WAIT_MS; Date.now() < waitUntil;) {
      const matched = match([change], await logs.read(), since);
      if (matched.samples.length > 0) {
        for (const s of matched.samples) samples.push({ ...s, atMs: s.atMs + since - startedAt });
        break;
      }
      await sleep(LOOK_EVERY_MS);
    }
    await sleep(GAP_MS);
    if ((i + 1) % 10 === 0) log(`at rest: ${i + 1} of ${2 * options.changes} changes made and awaited`);
  }
  const latency = Object.fromEntries(
    DIRECTIONS.map((d) => [
      d,
      summarizeLatency(
        made[d],
        samples.filter((s) => s.direction === d).map((s) => s.latencyMs),
      ),
    ]),
  ) as Record<Direction, LatencySummary>;
  return {
    readMode: options.readMode,
    changesPerDirection: options.changes,
    gapMs: GAP_MS,
    latency,
    samples,
    seconds: (Date.now() - startedAt) / 1000,
  };
}
