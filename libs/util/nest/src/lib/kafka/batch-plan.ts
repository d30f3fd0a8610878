/** One fetched message: decoded for its handler, or not decodable (it goes to the dead-letter topic). */
export type FetchedMessage<M, E> = { ok: true; message: M } | { ok: false; message: E };

/** A step of a fetched batch: a run for the handler (one call, one commit after its last message), or a message to dead-letter. */
export type BatchStep<M, E> = { kind: 'run'; messages: M[] } | { kind: 'dead-letter'; message: E };

/**
 * How one partition's fetched batch is handled, in order: a handler that takes batches gets each
 * stretch of consecutive decodable messages as one run; any other handler gets one message a run.
 * An undecodable message ends the run before it, so the offsets are committed in order.
 */
export function planBatch<M, E>(
  fetched: readonly FetchedMessage<M, E>[],
  handlerTakesBatches: boolean,
): BatchStep<M, E>[] {
  const steps: BatchStep<M, E>[] = [];
  let run: M[] = [];
  const endRun = () => {
    if (run.length > 0) steps.push({ kind: 'run', messages: run });
    run = [];
  };
  for (const item of fetched) {
    if (!item.ok) {
      endRun();
      steps.push({ kind: 'dead-letter', message: item.message });
      continue;
    }
    run.push(item.message);
    if (!handlerTakesBatches) endRun();
  }
  endRun();
  return steps;
}
