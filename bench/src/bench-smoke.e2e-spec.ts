import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BenchResults } from './report/results';
import { PNG_SIGNATURE, runBuiltProgram } from './run-built-program';

/**
 * The benchmark as `npm run bench` runs it (dist/bench/main.js, the whole stack through npm start),
 * with a small setting and short poll intervals. Only that it completes and reports is checked:
 * its figures depend on the machine and are read by people, not asserted.
 */
describe('npm run bench (a small setting)', () => {
  it('runs every phase to the end and writes the figures, results.json, report.md and both charts', async () => {
    const outDir = mkdtempSync(path.join(tmpdir(), 'bench-smoke-'));
    // The global setup set KAFKA_BROKERS.
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
      POLL_INTERVAL_MS: '1000',
      POLL_IDLE_MAX_INTERVAL_MS: '1000',
      POLL_LOOKBACK_MS: '3000',
      FEED_POLL_INTERVAL_MS: '1000',
      // The steady-state org's reader: its verdict, its stream and its first org poll within seconds.
      ORG_READER_CHECK_MS: '1000',
      STREAM_SUPERVISE_MS: '1000',
      ORG_POLL_DOWN_INTERVAL_MS: '1000',
    };
    delete env['NODE_ENV'];
    // The org read by its stream (the default), two changes a direction at rest, and one idle org of
    // one rep: the idle-org phase's stack and both of its windows, at their shortest. Two steady runs
    // (their spread) on two processes of each consumer.
    const args = [
      '--tasks',
      '300',
      '--connections',
      '3',
      '--rate',
      '20',
      '--duration',
      '5',
      '--drain',
      '90',
      '--steady-runs',
      '2',
      '--replicas',
      '2',
      '--rest-changes',
      '2',
      '--idle-reps',
      '1',
      '--out',
      outDir,
    ];
    const { code, output } = await runBuiltProgram('dist/bench/main.js', args, env);
    if (code !== 0) throw new Error(`the benchmark exited with ${code}:\n${output.slice(-4000)}`);

    for (const figure of [
      /^import .*tasks\/s.*ceiling.*ratio/m,
      /^latency at rest: one change at a time, 2 a direction; Salesforce read once, by the org's change stream/m,
      /^at rest salesforce→salesconnect: p50 .* \(2 arrived of 2 made\)$/m,
      /^at rest salesconnect→salesforce: p50 .* \(2 arrived of 2 made\)$/m,
      /^steady state: 20\.0 changes\/s; Salesforce read once, by the org's change stream/m,
      /^steady salesforce→salesconnect: p50/m,
      /^steady salesconnect→salesforce: p50/m,
      /^Salesforce API calls: .* per 1,000 changes vs floor/m,
      /^peak RSS reconciler: /m,
      /^idle org API calls a day, read once .*: 1 rep [\d,]+; issue 20 asks at most 350/m,
      /^idle org API calls a day, read per rep .*: 1 rep [\d,]+$/m,
      /^CDC events a day .*: [\d.]+ delivered a change/m,
      /^steady state over 2 runs, min \/ median \/ max:$/m,
      /^ {2}salesforce→salesconnect p99: \S+ \S+ \/ \S+ \S+ \/ \S+ \S+$/m,
      // Each replica beside its first process.
      /^CPU import 1 connection: connector-settings [\d.]+, sfdc-ingest [\d.]+, sfdc-ingest-2 [\d.]+, salesconnect-ingest [\d.]+, salesconnect-ingest-2 [\d.]+, reconciler [\d.]+, reconciler-2 [\d.]+, .* ms a task$/m,
      /^CPU steady state: .*reconciler-2 [\d.]+.* ms a change$/m,
      /^Salesforce API calls a rep a day \(a realistic day: 40 changes a rep, half each side; read once\): [\d,.]+ = [\d.]+ a change × 40/m,
    ]) {
      expect(output).toMatch(figure);
    }
    const results = JSON.parse(readFileSync(path.join(outDir, 'results.json'), 'utf8')) as BenchResults;
    expect(results.imports.map((i) => i.connections)).toEqual([1, 3]);
    for (const run of results.imports) expect(run.arrivalsMs).toHaveLength(300);
    expect(results.atRest?.samples).toHaveLength(4);
    expect(results.steady?.readMode).toBe('stream');
    expect(results.steady?.samples.length).toBeGreaterThan(0);
    expect(results.apiCalls?.productCalls).toBeGreaterThan(0);
    expect(results.rss.map((r) => r.program)).toEqual(
      expect.arrayContaining([
        'reconciler',
        'sfdc-ingest',
        'salesconnect-ingest',
        'connector-settings',
        'reconciler-2',
        'sfdc-ingest-2',
      ]),
    );
    expect(results.steadySpread?.find((f) => f.name === 'Salesforce calls per 1,000 changes')?.values).toHaveLength(2);
    // The import's own work shows as CPU in the services that do it.
    for (const program of ['sfdc-ingest', 'reconciler'])
      expect(results.imports[0].cpu.find((c) => c.program === program)?.msPerUnit).toBeGreaterThan(0);
    expect(results.idleOrgs?.runs.map((r) => [r.mode, r.reps])).toEqual([
      ['org-reads', 1],
      ['per-rep', 1],
    ]);
    for (const run of results.idleOrgs?.runs ?? []) expect(run.perDay).toBeGreaterThan(0);
    expect(results.idleOrgs?.cdcDay?.eventsDelivered).toBeGreaterThan(0);
    expect(results.idleOrgs?.repDayCalls?.perRepPerDay).toBeGreaterThan(0);
    expect(readFileSync(path.join(outDir, 'report.md'), 'utf8')).toContain('![');
    for (const chart of ['latency.png', 'throughput.png']) {
      expect(existsSync(path.join(outDir, chart))).toBe(true);
      expect(readFileSync(path.join(outDir, chart)).subarray(0, 8)).toEqual(PNG_SIGNATURE);
    }
  });
});
