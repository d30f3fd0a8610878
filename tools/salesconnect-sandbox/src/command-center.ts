import type { Task } from './task.model';
import { wallClockDays } from './time-zone';
import type { User } from './user.model';

export interface CommandCenterDay {
  date: string;
  tasks: Task[];
}

export interface CommandCenterView {
  userId: string;
  timeZone: string;
  /** The sandbox clock's instant the view was computed at. */
  now: string;
  today: CommandCenterDay;
  tomorrow: CommandCenterDay;
}

/**
 * R4, computed here, not by the product's code it checks. Completed tasks stay listed (marked), so a
 * rep sees what they already did today.
 */
export function buildCommandCenter(user: User, tasks: Task[], nowMs: number): CommandCenterView {
  const window = wallClockDays(nowMs, user.timeZone);
  const dueOn = (date: string) =>
    tasks
      .filter((t) => t.ownerId === user.id && t.deletedAt === undefined && t.dueDate === date)
      .sort(compareForCommandCenter);
  return {
    userId: user.id,
    timeZone: user.timeZone,
    now: new Date(nowMs).toISOString(),
    today: { date: window.today, tasks: dueOn(window.today) },
    tomorrow: { date: window.tomorrow, tasks: dueOn(window.tomorrow) },
  };
}

function compareForCommandCenter(a: Task, b: Task): number {
  const rank = (t: Task) => (t.status === 'Open' ? 0 : 2) + (t.priority === 'High' ? 0 : 1);
  return rank(a) - rank(b) || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);
}
