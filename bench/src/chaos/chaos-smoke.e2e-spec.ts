import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PNG_SIGNATURE, runBuiltProgram } from '../run-built-program';

/**
 * `npm run chaos` (dist/chaos/main.js, the whole stack through npm start with two processes of
 * each consumer) with a small setting: services killed, the broker restarted, faults and an outage
 * on both sandboxes. Nothing may be lost, doubled or left unequal; the time it takes is printed, not judged.
 */
describe('npm run chaos (a small setting)', () => {
  it('ends with every task once on each side, equal, its last change on both sides', async () => {
    const outDir = mkdtempSync(path.join(tmpdir(), 'chaos-smoke-'));
    // The global setup set KAFKA_BROKERS; the broker is
    // restarted through tools/kafka/kafka.js with this environment (KAFKA_PORT, KAFKA_DATA_DIR).
    const env: NodeJS.ProcessEnv = { ...process.env, KAFKAJS_NO_PARTITIONER_WARNING: '1' };
    delete env['NODE_ENV'];
    const args = [
      '--changes',
      '300',
      '--rate',
      '10',
      '--connections',
      '3',
      '--kills',
      '3',
      '--broker-restarts',
      '1',
      '--fault-rate',
      '0.1',
      '--limit-outage-s',
      '10',
      '--quiet-timeout-s',
      '240',
      '--out',
      outDir,
    ];
    const { code, output } = await runBuiltProgram('dist/chaos/main.js', args, env);

    const results = existsSync(path.join(outDir, 'results.json'))
      ? JSON.parse(readFileSync(path.join(outDir, 'results.json'), 'utf8'))
      : null;
    if (!results) throw new Error(`the chaos run exited with ${code} and wrote no results:\n${output.slice(-4000)}`);
    expect({
      lost: results.final.lost,
      duplicatedSc: results.final.duplicatedSc,
      duplicatedSfdc: results.final.duplicatedSfdc,
      unequal: results.final.unequal,
      examples: results.final.examples,
    }).toEqual({ lost: 0, duplicatedSc: 0, duplicatedSfdc: 0, unequal: 0, examples: [] });
    expect(code).toBe(0);
    // The chaos happened as asked, and the load was made.
    expect(results.events.kills).toHaveLength(3);
    expect(results.events.brokerRestarts).toHaveLength(1);
    expect(results.events.outage.toS - results.events.outage.fromS).toBeGreaterThanOrEqual(10);
    expect(results.changesMade + results.changesFailed.length).toBe(300);
    expect(results.final.tasks).toBeGreaterThan(0);
    expect(results.convergeSeconds).not.toBeNull();
    for (const line of [
      /^changes made: 300 /m,
      /^lost: 0$/m,
      /^duplicated: 0 in Sales Connect, 0 in Salesforce$/m,
      /^pairs unequal: 0$/m,
      /^time to converge: [\d.]+ s after the load/m,
    ])
      expect(output).toMatch(line);
    expect(readFileSync(path.join(outDir, 'chaos.png')).subarray(0, 8)).toEqual(PNG_SIGNATURE);
  });
});
