import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  CONNECTION_STATUS_CHANGED,
  DEAD_LETTER,
  KAFKA_TOPICS,
  MESSAGE_HEADERS,
  encodeEvent,
  type DeadLetter,
} from '@task-sync/contracts';
import { ServiceProcess, waitFor, withPg } from '@task-sync/testing-stack';
import {
  connectionErrorOf,
  consumedCount,
  consumerUnderTest,
  statusChanged,
  testEnv,
  useKafkaClients,
  waitForAllCommitted,
} from './support/stack';

const ROOT = path.resolve(__dirname, '../../..');
const run = promisify(execFile);

/** The built operator command (`npm run ops -- …` runs the same file after building it). */
async function ops(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [path.join(ROOT, 'dist/tools/ops/main.js'), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', KAFKA_BROKERS: testEnv.brokers.join(','), OPS_READ_IDLE_MS: '5000' },
  });
}

describe('ops dead-letters: list, show and replay, idempotently', () => {
  const kafka = useKafkaClients();

  /** connector-settings as the status topic's consumer under test (its own database and group); `env` adds to its own. */
  const startSettingsConsumer = async (names: { database: string; group: string }, env: Record<string, string>) => {
    const { databaseUrl, groupId } = await consumerUnderTest(kafka.admin, names, [KAFKA_TOPICS.connectionStatus]);
    const settings = await ServiceProcess.start('connector-settings', {
      DATABASE_URL: databaseUrl,
      KAFKA_CONSUMER_GROUP: groupId,
      ...env,
    });
    return { databaseUrl, groupId, settings };
  };

  it('lists a letter, shows it, replays it to its consumer, and a second replay has no second effect', async () => {
    const { databaseUrl, groupId, settings } = await startSettingsConsumer(
      { database: 'ops_dead_letters', group: 'settings-ops' },
      { JWT_SECRET: 'ops-spec-secret-ops-spec-secret-ops-spec-0' },
    );
    try {
      const connectionId = randomUUID();
      // A status report connector-settings failed on once (its handler's transaction rolled back, so
      // it was never applied), and dead-lettered as its consumer does: the letter is the test's input.
      const report = statusChanged(connectionId, {
        reportedBy: 'reconciler',
        state: 'error',
        error: { code: 'OPS_REPLAY_SPEC', message: 'counted once per applied report' },
      });
      const letter: DeadLetter = {
        eventId: randomUUID(),
        type: DEAD_LETTER,
        occurredAt: new Date().toISOString(),
        consumer: 'connector-settings',
        sourceTopic: KAFKA_TOPICS.connectionStatus,
        sourcePartition: 0,
        sourceOffset: '4242',
        reasonCode: 'HANDLER_FAILED',
        reason: 'the database refused it then',
        originalKey: `${connectionId}:00T000000000077AAA`,
        originalHeaders: {
          [MESSAGE_HEADERS.eventId]: report.eventId,
          [MESSAGE_HEADERS.eventType]: CONNECTION_STATUS_CHANGED,
        },
        originalValue: encodeEvent(CONNECTION_STATUS_CHANGED, report),
      };
      await kafka.producer.send({
        topic: KAFKA_TOPICS.deadLetter,
        messages: [{ key: letter.originalKey, value: encodeEvent(DEAD_LETTER, letter) }],
      });
      const id = letter.eventId.slice(0, 8);
      const errorCount = async () => (await connectionErrorOf(databaseUrl, connectionId, 'OPS_REPLAY_SPEC'))?.count;

      const listed = await ops('dead-letters', 'list', '--connection', connectionId, '--since', '1h');
      const lines = listed.stdout.trim().split('\n');
      expect(lines[0]).toBe('time  id  consumer  code  connection  task  replayed  reason');
      expect(lines.slice(1)).toEqual([
        `${letter.occurredAt}  ${id}  connector-settings  HANDLER_FAILED  ${connectionId}  00T000000000077AAA  -  the database refused it then`,
      ]);
      expect(listed.stderr).toContain('1 dead letter(s)');

      const shown = JSON.parse((await ops('dead-letters', 'show', id)).stdout);
      expect(shown).toMatchObject({
        eventId: letter.eventId,
        sourceTopic: KAFKA_TOPICS.connectionStatus,
        originalValue: { eventId: report.eventId, error: { code: 'OPS_REPLAY_SPEC' } },
        replays: [],
        replayable: { replayable: true },
      });

      expect((await ops('dead-letters', 'replay', '--connection', connectionId)).stdout).toMatch(
        new RegExp(
          `^replayed ${id} to ${KAFKA_TOPICS.connectionStatus.replace(/\./g, '\\.')} partition \\d+ offset \\d+$`,
          'm',
        ),
      );
      await waitFor('the replayed report applied', async () => (await errorCount()) === 1 || undefined);

      // Again: skipped, it was replayed. Forced: sent again, and the consumer de-duplicates it by its event id.
      expect((await ops('dead-letters', 'replay', '--connection', connectionId)).stdout).toMatch(
        new RegExp(`^skipped ${id}: already replayed at `, 'm'),
      );
      expect((await ops('dead-letters', 'replay', id, '--force')).stdout).toMatch(
        new RegExp(`^replayed ${id} to `, 'm'),
      );
      await waitForAllCommitted(kafka.admin, groupId, KAFKA_TOPICS.connectionStatus, 'every status report handled');
      expect(await errorCount()).toBe(1);
      expect(await consumedCount(settings, KAFKA_TOPICS.connectionStatus, 'duplicate')).toBeGreaterThanOrEqual(1);

      const relisted = (await ops('dead-letters', 'list', '--connection', connectionId)).stdout.trim().split('\n');
      expect(relisted[1]).toContain(
        `  ${id}  connector-settings  HANDLER_FAILED  ${connectionId}  00T000000000077AAA  replayed x2  `,
      );
    } finally {
      await settings.stop();
    }
  });

  it('a real poison message: dead-lettered by its consumer, the cause fixed, replayed: applied once (its processed-message record never existed)', async () => {
    const { databaseUrl, groupId, settings } = await startSettingsConsumer(
      { database: 'ops_poison', group: 'settings-ops-poison' },
      { JWT_SECRET: 'ops-spec-secret-ops-spec-secret-ops-spec-1', KAFKA_HANDLER_MAX_ATTEMPTS: '2' },
    );
    try {
      const connectionId = randomUUID();
      // A count the contract accepts and the column (int) cannot store: the handler fails on it every time.
      const report = statusChanged(connectionId, { apiUsage: { used: 3_000_000_000, limit: 5_000_000_000 } });
      await kafka.producer.send({
        topic: KAFKA_TOPICS.connectionStatus,
        messages: [
          {
            key: `${connectionId}:00T000000000078AAA`,
            value: encodeEvent(CONNECTION_STATUS_CHANGED, report),
            headers: { [MESSAGE_HEADERS.eventId]: report.eventId },
          },
        ],
      });
      const line = await waitFor(
        'the poison message listed',
        async () => (await ops('dead-letters', 'list', '--connection', connectionId)).stdout.trim().split('\n')[1],
      );
      expect(line).toContain(`  connector-settings  HANDLER_FAILED  ${connectionId}  00T000000000078AAA  -  `);
      const id = line.split('  ')[1];
      // Applied = its processed-message record, written in the effect's transaction. (The report
      // itself changes no column here: the consumer's own MESSAGE_DEAD_LETTERED report is newer, and
      // a connection's status keeps the newest report.)
      const processed = () =>
        withPg(databaseUrl, async (c) =>
          Number(
            (
              await c.query(`SELECT count(*) AS n FROM connector_settings.processed_message WHERE event_id = $1`, [
                report.eventId,
              ])
            ).rows[0].n,
          ),
        );
      expect(await processed()).toBe(0);

      // The fix: the column takes the number now. Then the replay is applied, once.
      await withPg(databaseUrl, (c) =>
        c.query(
          `ALTER TABLE connector_settings.connection_status ALTER COLUMN api_used TYPE bigint, ALTER COLUMN api_limit TYPE bigint`,
        ),
      );
      expect((await ops('dead-letters', 'replay', id)).stdout).toMatch(new RegExp(`^replayed ${id} to `, 'm'));
      await waitFor('the replayed report applied', async () => (await processed()) === 1 || undefined);
      expect((await ops('dead-letters', 'replay', id)).stdout).toMatch(
        new RegExp(`^skipped ${id}: already replayed`, 'm'),
      );
      await waitForAllCommitted(kafka.admin, groupId, KAFKA_TOPICS.connectionStatus, 'every status report handled');
      expect(await processed()).toBe(1);
      // It went through this time: dead-lettered once, before the fix.
      expect(await consumedCount(settings, KAFKA_TOPICS.connectionStatus, 'dead-lettered')).toBe(1);
    } finally {
      await settings.stop();
    }
  });

  it('a write the reconciler could not make is listed, and left to the reconciler on replay', async () => {
    const connectionId = randomUUID();
    const write: DeadLetter = {
      eventId: randomUUID(),
      type: DEAD_LETTER,
      occurredAt: new Date().toISOString(),
      consumer: 'reconciler',
      sourceTopic: 'reconciler.task-writes',
      sourcePartition: 0,
      sourceOffset: '17',
      reasonCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
      reason: 'Subjects may not say Secret plan',
      originalKey: `${connectionId}:${randomUUID()}`,
      originalHeaders: {},
      originalValue: JSON.stringify({ connectionId, side: 'sfdc', kind: 'create' }),
    };
    await kafka.producer.send({
      topic: KAFKA_TOPICS.deadLetter,
      messages: [{ key: write.originalKey, value: encodeEvent(DEAD_LETTER, write) }],
    });
    const listed = (await ops('dead-letters', 'list', '--connection', connectionId)).stdout;
    expect(listed).toContain(`  reconciler  FIELD_CUSTOM_VALIDATION_EXCEPTION  ${connectionId}  `);
    const replayed = await ops('dead-letters', 'replay', '--connection', connectionId);
    expect(replayed.stdout).toMatch(
      /^skipped [0-9a-f]{8}: not a message of a topic \(reconciler\.task-writes\): the reconciler retries failed writes by itself/m,
    );
    expect(replayed.stderr).toContain('0 replayed, 1 skipped');
  });
});
