import { runListQuery, type FieldKind, type Page, type QueryDialect } from './query';
import { RestError } from './rest-error';
import type { UserSeed } from './types';

type UserRecord = Record<string, unknown> & { ID: number };

const KINDS: Record<string, FieldKind> = { ID: 'number', ACTIVE: 'boolean', UF_DEPARTMENT: 'multi' };
const STANDARD_FIELDS = new Set([
  'ID',
  'XML_ID',
  'ACTIVE',
  'NAME',
  'LAST_NAME',
  'SECOND_NAME',
  'EMAIL',
  'PERSONAL_MOBILE',
  'WORK_PHONE',
  'WORK_POSITION',
  'UF_DEPARTMENT',
  'USER_TYPE',
]);

/** Portal users (couriers) behind `user.get`. */
export class UserStore {
  private readonly users = new Map<number, UserRecord>();

  readonly dialect: QueryDialect;

  constructor(private readonly offsetMinutes: number) {
    this.dialect = {
      // user.get drops fields it does not know before filtering (see `knows`), so any name resolves here.
      resolve: (name) => ({ name: name.toUpperCase(), kind: KINDS[name.toUpperCase()] ?? 'auto' }),
      unknownFilterField: (name) => new RestError(400, 'INVALID_ARG_VALUE', `Unknown field ${name}`),
      unknownOrderField: (name) => new RestError(400, 'INVALID_ARG_VALUE', `Unknown field ${name}`),
      badDirection: (direction) => new RestError(400, 'INVALID_ARG_VALUE', `Unknown order ${direction}`),
      offsetMinutes: this.offsetMinutes,
    };
    this.seed([{ ID: 1, NAME: 'Admin', LAST_NAME: '', EMAIL: 'admin@example.com', UF_DEPARTMENT: [1] }]);
  }

  seed(users: UserSeed[]): void {
    for (const user of users) {
      this.users.set(user.ID, {
        XML_ID: '',
        ACTIVE: true,
        NAME: '',
        LAST_NAME: '',
        EMAIL: '',
        UF_DEPARTMENT: [],
        USER_TYPE: 'employee',
        ...user,
      });
    }
  }

  /** A standard user field or one some seeded user carries. */
  knows(field: string): boolean {
    const upper = field.toUpperCase();
    return STANDARD_FIELDS.has(upper) || [...this.users.values()].some((user) => upper in user);
  }

  list(params: { filter?: unknown; order?: unknown; start?: unknown }): Page<Record<string, unknown>> {
    const page = runListQuery([...this.users.values()], params, { ID: 'ASC' }, this.dialect);
    return { ...page, page: page.page.map(present) };
  }

  all(): Array<Record<string, unknown>> {
    return [...this.users.values()].map(present);
  }
}

/** IDs come back as strings, ACTIVE as a boolean, UF_DEPARTMENT as numbers (protocol doc §3.5). */
function present(user: UserRecord): Record<string, unknown> {
  return { ...user, ID: String(user.ID) };
}
