export type TabId = 'connection' | 'health' | 'timeline' | 'admin';

export const TAB_LABELS: Record<TabId, string> = {
  connection: 'Connection',
  health: 'Health',
  timeline: 'Task timeline',
  admin: 'Admin',
};

/** The views this user has: Health and the timeline need a connection to look at; Admin needs the admin role. */
export function availableTabs(hasConnection: boolean, isAdmin: boolean): TabId[] {
  return [
    'connection',
    ...(hasConnection ? (['health', 'timeline'] as const) : []),
    ...(isAdmin ? (['admin'] as const) : []),
  ];
}

/** The tab a key moves to in the tab list (WAI-ARIA tabs: arrows wrap, Home and End); null for other keys. */
export function tabAfterKey(tabs: TabId[], current: TabId, key: string): TabId | null {
  const i = tabs.indexOf(current);
  if (key === 'ArrowRight') return tabs[(i + 1) % tabs.length];
  if (key === 'ArrowLeft') return tabs[(i - 1 + tabs.length) % tabs.length];
  if (key === 'Home') return tabs[0];
  if (key === 'End') return tabs[tabs.length - 1];
  return null;
}

/** The view named in the URL fragment (#health), when the user has it. */
export const tabFromHash = (hash: string, tabs: TabId[]): TabId => tabs.find((t) => `#${t}` === hash) ?? 'connection';
