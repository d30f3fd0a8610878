export interface SettingChange {
  kind: 'first-enable' | 're-enable' | 'disable';
  /** ISO-8601 instant. */
  at: string;
}

/** What the rules know of a connection's setting: whether it is on now, and every enable and disable. */
export interface ConnectionSyncSettings {
  enabled: boolean;
  /** In time order. */
  history: readonly SettingChange[];
  /** The connection's Salesforce user, the owner its tasks carry (R8); null or absent when not known. */
  salesforceUserId?: string | null;
}

export interface EnabledInterval {
  from: number;
  /** null while still enabled. */
  to: number | null;
}

export function listEnabledIntervals(history: readonly SettingChange[]): EnabledInterval[] {
  const intervals: EnabledInterval[] = [];
  for (const change of [...history].sort((a, b) => Date.parse(a.at) - Date.parse(b.at))) {
    const at = Date.parse(change.at);
    const open = intervals.length > 0 && intervals[intervals.length - 1].to === null;
    if (change.kind === 'disable') {
      if (open) intervals[intervals.length - 1].to = at;
    } else if (!open) {
      intervals.push({ from: at, to: null });
    }
  }
  return intervals;
}

/** Enable instant included, disable instant excluded. */
export function wasEnabledAt(history: readonly SettingChange[], instant: string): boolean {
  const t = Date.parse(instant);
  return listEnabledIntervals(history).some((i) => t >= i.from && (i.to === null || t < i.to));
}
