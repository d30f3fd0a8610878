import { Kafka, logLevel } from 'kafkajs';
import { listTopicSpecs } from '@task-sync/contracts';
import { loadConfig } from '@task-sync/util-config';
import { provisionConfigSchema } from './provision.config';
import { provisionTopics } from './provision-topics';

/** Creates the product's Kafka topics from the contracts list. Used by `npm start`, the tests and the Kubernetes Job. */
async function main(): Promise<void> {
  const config = loadConfig(provisionConfigSchema, process.env);
  const kafka = new Kafka({ clientId: 'provision-topics', brokers: config.KAFKA_BROKERS, logLevel: logLevel.ERROR });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const result = await provisionTopics(
      admin,
      listTopicSpecs(config.KAFKA_TOPIC_PARTITIONS),
      config.KAFKA_REPLICATION_FACTOR,
    );
    console.log(JSON.stringify({ level: 'info', service: 'provision-topics', msg: 'topics provisioned', ...result }));
  } finally {
    await admin.disconnect();
  }
}

main().catch((e: unknown) => {
  console.error(
    JSON.stringify({ level: 'fatal', service: 'provision-topics', msg: 'provisioning failed', err: String(e) }),
  );
  process.exit(1);
});
