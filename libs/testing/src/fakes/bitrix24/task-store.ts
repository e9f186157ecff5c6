import type { Origin } from './events/event-hub';
import type { PortalEnv } from './portal-env';
import { formatPortalDate, requirePortalDate } from './portal-time';
import { isRecord, toList } from './php-values';
import { runListQuery, type FieldKind, type Page, type QueryDialect } from './query';
import { RestError } from './rest-error';

export type TaskRecord = Record<string, unknown> & { ID: number };

const KINDS: Record<string, FieldKind> = {
  ID: 'number',
  STATUS: 'number',
  PRIORITY: 'number',
  RESPONSIBLE_ID: 'number',
  CREATED_BY: 'number',
  CHANGED_BY: 'number',
  GROUP_ID: 'number',
  CREATED_DATE: 'date',
  CHANGED_DATE: 'date',
  CLOSED_DATE: 'date',
  DEADLINE: 'date',
  UF_CRM_TASK: 'multi',
};
const READ_ONLY = new Set(['ID', 'CREATED_DATE', 'CHANGED_DATE', 'CHANGED_BY', 'GUID']);

function kindOf(name: string): FieldKind {
  return KINDS[name] ?? 'auto';
}

/** `RESPONSIBLE_ID` → `responsibleId`: tasks take UPPER_CASE input and answer camelCase (protocol doc §3.1). */
function toCamel(name: string): string {
  return name.toLowerCase().replace(/_([a-z0-9])/g, (_, char: string) => char.toUpperCase());
}

const taskError = (description: string) => new RestError(400, 'ERROR_CORE', description);

/** Delivery tasks behind `tasks.task.*`. */
export class TaskStore {
  private readonly tasks = new Map<number, TaskRecord>();
  private nextId = 1;

  readonly dialect: QueryDialect;

  constructor(private readonly env: PortalEnv) {
    this.dialect = {
      resolve: (name) => ({ name: name.toUpperCase(), kind: kindOf(name.toUpperCase()) }),
      unknownFilterField: (name) => taskError(`Unknown field ${name}`),
      unknownOrderField: (name) => taskError(`Unknown field ${name}`),
      badDirection: (direction) => taskError(`Unknown order ${direction}`),
      offsetMinutes: this.env.offsetMinutes,
    };
  }

  add(fields: unknown, origin: Origin): TaskRecord {
    if (!isRecord(fields)) {
      throw new RestError(400, '100', 'Could not find value for parameter {fields}');
    }
    if (typeof fields.TITLE !== 'string' || fields.TITLE.trim() === '') {
      throw taskError('Task title is not specified<br>');
    }
    const now = this.env.clock();
    const id = this.nextId++;
    const task: TaskRecord = {
      ID: id,
      TITLE: '',
      DESCRIPTION: '',
      STATUS: 2,
      PRIORITY: 1,
      RESPONSIBLE_ID: origin.userId,
      CREATED_BY: origin.userId,
      CREATED_DATE: now,
      CHANGED_BY: origin.userId,
      CHANGED_DATE: now,
      DEADLINE: null,
      CLOSED_DATE: null,
      GROUP_ID: 0,
      XML_ID: null,
      GUID: `{00000000-0000-4000-8000-${String(id).padStart(12, '0')}}`,
    };
    this.write(task, fields);
    this.tasks.set(id, task);
    const data = { FIELDS_BEFORE: 'undefined', FIELDS_AFTER: { ID: id }, IS_ACCESSIBLE_BEFORE: 'N' };
    this.env.hub.emit('ONTASKADD', { ...data, IS_ACCESSIBLE_AFTER: 'undefined' }, origin);
    return task;
  }

  update(id: unknown, fields: unknown, origin: Origin): TaskRecord {
    const existing = this.find(id);
    if (!existing) {
      throw taskError('Task not found or not accessible<br>');
    }
    if (!isRecord(fields)) {
      throw new RestError(400, '100', 'Could not find value for parameter {fields}');
    }
    const task = { ...existing };
    this.write(task, fields);
    Object.assign(task, { CHANGED_BY: origin.userId, CHANGED_DATE: this.env.clock() });
    this.tasks.set(task.ID, task);
    this.env.hub.emit(
      'ONTASKUPDATE',
      {
        FIELDS_BEFORE: { ID: task.ID },
        FIELDS_AFTER: { ID: task.ID },
        IS_ACCESSIBLE_BEFORE: 'undefined',
        IS_ACCESSIBLE_AFTER: 'undefined',
      },
      origin,
    );
    return task;
  }

  find(id: unknown): TaskRecord | undefined {
    return this.tasks.get(Number(id));
  }

  list(params: { filter?: unknown; order?: unknown; start?: unknown }): Page<TaskRecord> {
    return runListQuery([...this.tasks.values()], params, { ID: 'ASC' }, this.dialect);
  }

  all(): TaskRecord[] {
    return [...this.tasks.values()];
  }

  /**
   * camelCase keys with every scalar as a string (fixture `single_add.json`); user fields only when selected, and
   * an unset multiple user field reads `false`.
   */
  present(task: TaskRecord, select?: unknown): Record<string, unknown> {
    const names = select === undefined ? [] : toList(select).map((name) => String(name).toUpperCase());
    const wantsAll = names.length === 0 || names.includes('*');
    const out: Record<string, unknown> = {};
    for (const key of new Set([...Object.keys(task), ...names.filter((name) => name.startsWith('UF_'))])) {
      const selected = names.includes(key) || (key.startsWith('UF_') ? names.includes('UF_*') : wantsAll);
      if (!selected && key !== 'ID') {
        continue;
      }
      out[toCamel(key)] = this.presentValue(key, task[key]);
    }
    return out;
  }

  private presentValue(key: string, value: unknown): unknown {
    if (value === null || value === undefined) {
      return key.startsWith('UF_') ? false : null;
    }
    if (kindOf(key) === 'date' && typeof value === 'number') {
      return formatPortalDate(value, this.env.offsetMinutes);
    }
    if (Array.isArray(value)) {
      return value.length === 0 ? false : value.map(String);
    }
    return typeof value === 'number' ? String(value) : value;
  }

  private write(task: TaskRecord, fields: Record<string, unknown>): void {
    for (const [rawKey, value] of Object.entries(fields)) {
      const key = rawKey.toUpperCase();
      if (READ_ONLY.has(key)) {
        continue;
      }
      const kind = kindOf(key);
      if (value === null || value === '') {
        task[key] = kind === 'multi' ? [] : null;
      } else if (kind === 'number') {
        task[key] = Number(value);
      } else if (kind === 'date') {
        task[key] = requirePortalDate(value, this.env.offsetMinutes, key);
      } else {
        task[key] = kind === 'multi' ? toList(value).map(String) : value;
      }
    }
  }
}
