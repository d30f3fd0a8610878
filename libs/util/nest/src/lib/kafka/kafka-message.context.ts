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

/** A handler tells the consumer what happened, for metrics and logs. */
export type HandlerOutcome = 'applied' | 'duplicate' | 'ignored';
