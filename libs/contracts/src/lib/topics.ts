/**
 * Every Kafka topic the product uses, versioned in its name. Topics are created up front by the
 * provisioning step from this list; the broker's auto-creation is off.
 */
export const KAFKA_TOPICS = {
  /** connector-settings → everyone: a connection's task-sync setting changed (enable, disable). */
  settingsChanges: 'connector.settings-changes.v1',
  /** sfdc-ingest → reconciler: a Salesforce task was created, changed or deleted. */
  sfdcTaskChanges: 'sfdc.task-changes.v1',
  /** salesconnect-ingest → reconciler: a Sales Connect task was created, changed or deleted. */
  salesconnectTaskChanges: 'salesconnect.task-changes.v1',
  /** every service → connector-settings: connection state, import progress, errors, API usage; and each org's change stream. */
  connectionStatus: 'sync.connection-status.v1',
  /** messages no consumer could process, with the reason; an operator looks here. */
  deadLetter: 'sync.dead-letter.v1',
} as const;

export type KafkaTopicKey = keyof typeof KAFKA_TOPICS;
export type KafkaTopic = (typeof KAFKA_TOPICS)[KafkaTopicKey];

export interface TopicSpec {
  readonly topic: KafkaTopic;
  readonly partitions: number;
  /** Topic-level configs passed to CreateTopics. */
  readonly configs: Readonly<Record<string, string>>;
}

const SEVEN_DAYS_MS = String(7 * 24 * 60 * 60 * 1000);
const THIRTY_DAYS_MS = String(30 * 24 * 60 * 60 * 1000);

/**
 * The topics with their settings. `partitions` is the default per topic (a change topic's
 * partition count caps how many consumer replicas can share the work); provisioning may raise it.
 */
export function listTopicSpecs(defaultPartitions: number): TopicSpec[] {
  return [
    { topic: KAFKA_TOPICS.settingsChanges, partitions: defaultPartitions, configs: { 'retention.ms': THIRTY_DAYS_MS } },
    { topic: KAFKA_TOPICS.sfdcTaskChanges, partitions: defaultPartitions, configs: { 'retention.ms': SEVEN_DAYS_MS } },
    {
      topic: KAFKA_TOPICS.salesconnectTaskChanges,
      partitions: defaultPartitions,
      configs: { 'retention.ms': SEVEN_DAYS_MS },
    },
    { topic: KAFKA_TOPICS.connectionStatus, partitions: defaultPartitions, configs: { 'retention.ms': SEVEN_DAYS_MS } },
    { topic: KAFKA_TOPICS.deadLetter, partitions: 1, configs: { 'retention.ms': THIRTY_DAYS_MS } },
  ];
}
