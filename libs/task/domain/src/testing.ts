// Spec fixtures: import from '@task-sync/task-domain/testing'.
import type { TaskFields } from './lib/task-fields';

/** An open call named "Call Ana", with no details, due date or contact; override what a spec is about. */
export function buildTaskFields(overrides: Partial<TaskFields> = {}): TaskFields {
  return {
    title: 'Call Ana',
    details: '',
    dueDate: null,
    open: true,
    priority: 'normal',
    type: 'call',
    contactEmail: null,
    ...overrides,
  };
}
