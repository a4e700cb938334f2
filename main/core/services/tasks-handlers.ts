import { AppError } from '../../../common/errors.js';
import type { Handlers } from '../api/handlers.js';
import type { ProfileManager } from '../profile/profile-manager.js';
import { missingRecord } from './notes-handlers.js';

type TasksHandlers = Pick<Handlers, 'tasks.create' | 'tasks.update' | 'tasks.delete'>;

/** Tasks on contacts, companies and deals: a title, an optional due time, done or not. */
export function tasksHandlers(profiles: ProfileManager): TasksHandlers {
  const tasks = () => profiles.requireStore().tasks;
  return {
    'tasks.create': async ({ record, title, dueAt }) => {
      if (!tasks().recordExists(record)) throw missingRecord(record);
      return tasks().create(record, title, dueAt ?? null);
    },
    'tasks.update': async ({ id, ...changes }) => {
      const task = tasks().update(id, changes);
      if (!task) throw new AppError('NOT_FOUND', `No task ${id}.`);
      return task;
    },
    'tasks.delete': async ({ id }) => ({ deleted: tasks().delete(id) }),
  };
}
