import { RestError } from '../rest-error';
import type { Params } from '../request-params';
import { listResult, type MethodTable } from './method-table';

function taskId(params: Params): unknown {
  if (params.taskId === undefined) {
    // The documented message for a missing taskId (tasks.task.get docs).
    throw new RestError(
      400,
      '100',
      'CTaskItem All parameters in the constructor must have real class type (internal error)',
    );
  }
  return params.taskId;
}

/** `tasks.task.*` v2: UPPER_CASE fields in, camelCase strings out (protocol doc §3.1). */
export const taskMethods: MethodTable = {
  'tasks.task.add': {
    handler: (params, { portal, origin }) => ({
      result: { task: portal.tasks.present(portal.tasks.add(params.fields, origin)) },
    }),
  },
  'tasks.task.update': {
    handler: (params, { portal, origin }) => ({
      result: { task: portal.tasks.present(portal.tasks.update(taskId(params), params.fields, origin)) },
    }),
  },
  'tasks.task.get': {
    handler: (params, { portal }) => {
      const task = portal.tasks.find(taskId(params));
      // A missing or inaccessible task is a 200 with an empty PHP array, not an error (tasks.task.get docs).
      return { result: task ? { task: portal.tasks.present(task, params.select) } : [] };
    },
  },
  'tasks.task.list': {
    handler: (params, { portal }) => {
      const page = portal.tasks.list(params);
      return listResult({ tasks: page.page.map((task) => portal.tasks.present(task, params.select)) }, page);
    },
  },
};
