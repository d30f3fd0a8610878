import { BaseRpcContext } from '@nestjs/microservices';

export interface KafkaMessageMeta {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  headers: Record<string, string>;
  eventId: string;
}

/** What a handler may know about the message besides its decoded event: `@Ctx() ctx: KafkaMessageContext`. */
export class KafkaMessageContext extends BaseRpcContext<[KafkaMessageMeta]> {
  constructor(meta: KafkaMessageMeta) {
    super([meta]);
  }

  get meta(): KafkaMessageMeta {
    return this.getArgByIndex(0);
  }
}

/**
 * A batch handler's context (`@EventPattern(topic, BATCH)`): the messages of one run of one
 * partition, in order, `metas[i]` for the handler's `events[i]`.
 */
export class KafkaBatchContext extends BaseRpcContext<[KafkaMessageMeta[]]> {
  constructor(metas: KafkaMessageMeta[]) {
    super([metas]);
  }

  get metas(): KafkaMessageMeta[] {
    return this.getArgByIndex(0);
  }
}

/**
 * `@EventPattern(topic, BATCH)`: the handler takes a run of one partition's valid messages at once
 * (`events[]`, `KafkaBatchContext`) and answers an outcome for each, in order; the consumer commits
 * once after the run. A run is retried, and redelivered, as a whole.
 */
export const BATCH = { batch: true } as const;

/** A handler tells the consumer what happened, for metrics and logs. */
export type HandlerOutcome = 'applied' | 'duplicate' | 'ignored';
