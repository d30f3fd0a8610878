import { READINESS_ADVICE, isBlockingReadiness, type ConnectionReadiness } from '@task-sync/sync-rules';
import type { ConnectionPreflight } from './connection-preflight.repository';

/** What the page and the API show of a connection's preflight: the state, what to do, when it was checked. */
export interface ConnectionSetupView {
  state: ConnectionReadiness;
  /** True while the state pauses the connection's reads and writes. */
  paused: boolean;
  /** What is wrong and what to do about it, in a sentence. */
  advice: string;
  /** What Salesforce said, when it adds to the sentence. */
  detail: string | null;
  checkedAt: string;
}

export function toSetupView(preflight: ConnectionPreflight | null): ConnectionSetupView | null {
  if (!preflight) return null;
  return {
    state: preflight.state,
    paused: isBlockingReadiness(preflight.state),
    advice: READINESS_ADVICE[preflight.state],
    detail: preflight.detail,
    checkedAt: preflight.checkedAt.toISOString(),
  };
}
