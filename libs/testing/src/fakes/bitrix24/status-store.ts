import { runListQuery, type Page, type QueryDialect } from './query';
import { RestError } from './rest-error';
import type { StageSeed } from './types';

interface StatusRow extends Record<string, unknown> {
  ID: number;
  ENTITY_ID: string;
  STATUS_ID: string;
  NAME: string;
  SORT: number;
  SYSTEM: 'Y' | 'N';
  CATEGORY_ID: number | null;
  COLOR: string;
  SEMANTICS: 'S' | 'F' | null;
}

const DEFAULT_STAGES: Record<'lead' | 'deal' | 'dynamic', Array<[string, string, 'S' | 'F' | null]>> = {
  lead: [
    ['NEW', 'Unassigned', null],
    ['IN_PROCESS', 'In progress', null],
    ['PROCESSED', 'Processed', null],
    ['CONVERTED', 'Good lead', 'S'],
    ['JUNK', 'Junk lead', 'F'],
  ],
  deal: [
    ['NEW', 'New', null],
    ['PREPARATION', 'Document preparation', null],
    ['PREPAYMENT_INVOICE', 'Invoice', null],
    ['EXECUTING', 'In progress', null],
    ['FINAL_INVOICE', 'Final invoice', null],
    ['WON', 'Deal won', 'S'],
    ['LOSE', 'Deal lost', 'F'],
  ],
  dynamic: [
    ['NEW', 'New', null],
    ['PREPARATION', 'Preparation', null],
    ['CLIENT', 'With the client', null],
    ['SUCCESS', 'Success', 'S'],
    ['FAIL', 'Failure', 'F'],
  ],
};

const STATUS_FIELD_KINDS: Record<string, 'number' | 'string'> = {
  ID: 'number',
  ENTITY_ID: 'string',
  STATUS_ID: 'string',
  NAME: 'string',
  SORT: 'number',
  SYSTEM: 'string',
  CATEGORY_ID: 'number',
  COLOR: 'string',
  SEMANTICS: 'string',
};

/** Where a type's stages live in `crm.status` and how their STATUS_IDs are prefixed (protocol doc §3.2). */
export function stageEntity(
  entityTypeId: number,
  categoryId: number,
): { entityId: string; prefix: string } | undefined {
  if (entityTypeId === 1) {
    return { entityId: 'STATUS', prefix: '' };
  }
  if (entityTypeId === 2) {
    return categoryId === 0
      ? { entityId: 'DEAL_STAGE', prefix: '' }
      : { entityId: `DEAL_STAGE_${categoryId}`, prefix: `C${categoryId}:` };
  }
  if (entityTypeId >= 128) {
    return { entityId: `DYNAMIC_${entityTypeId}_STAGE_${categoryId}`, prefix: `DT${entityTypeId}_${categoryId}:` };
  }
  return undefined;
}

/** `crm.status` rows: pipeline stages (seedable) that items' `stageId` must belong to. */
export class StatusStore {
  private rows: StatusRow[] = [];
  private nextId = 1;

  constructor(private readonly offsetMinutes: number) {}

  ensureDefaults(entityTypeId: number, categoryId: number): void {
    const entity = stageEntity(entityTypeId, categoryId);
    if (!entity || this.stagesOf(entity.entityId).length > 0) {
      return;
    }
    const set = entityTypeId === 1 ? 'lead' : entityTypeId === 2 ? 'deal' : 'dynamic';
    DEFAULT_STAGES[set].forEach(([code, name, semantics], index) =>
      this.add({ entityId: entity.entityId, statusId: entity.prefix + code, name, sort: (index + 1) * 10, semantics }),
    );
  }

  /** Seeded stages replace whatever an entity had, so a test can describe a pipeline exactly. */
  seed(stages: StageSeed[]): void {
    const entities = new Set(stages.map((stage) => stage.entityId));
    this.rows = this.rows.filter((row) => !entities.has(row.ENTITY_ID));
    stages.forEach((stage) => this.add(stage));
  }

  stagesOf(entityId: string): StatusRow[] {
    return this.rows.filter((row) => row.ENTITY_ID === entityId).sort((a, b) => a.SORT - b.SORT);
  }

  list(params: { filter?: unknown; order?: unknown; start?: unknown }): Page<Record<string, unknown>> {
    const page = runListQuery(this.rows, params, { SORT: 'ASC' }, this.dialect());
    return { ...page, page: page.page.map(present) };
  }

  private add(stage: StageSeed): void {
    const category = /_(\d+)$/.exec(stage.entityId);
    this.rows.push({
      ID: this.nextId++,
      ENTITY_ID: stage.entityId,
      STATUS_ID: stage.statusId,
      NAME: stage.name,
      SORT: stage.sort ?? (this.stagesOf(stage.entityId).length + 1) * 10,
      SYSTEM: stage.semantics ? 'Y' : 'N',
      CATEGORY_ID: category ? Number(category[1]) : stage.entityId.endsWith('STAGE') ? 0 : null,
      COLOR: stage.color ?? (stage.semantics === 'S' ? '#DBF199' : stage.semantics === 'F' ? '#FFBEBD' : '#39A8EF'),
      SEMANTICS: stage.semantics ?? null,
    });
  }

  private dialect(): QueryDialect {
    const bad = (name: string) => new RestError(400, '', `Field '${name}' is not allowed`);
    return {
      resolve: (name) => {
        const upper = name.toUpperCase();
        return upper in STATUS_FIELD_KINDS ? { name: upper, kind: STATUS_FIELD_KINDS[upper] } : undefined;
      },
      unknownFilterField: bad,
      unknownOrderField: bad,
      badDirection: (direction) => new RestError(400, '', `Invalid order direction '${direction}'`),
      offsetMinutes: this.offsetMinutes,
    };
  }
}

/** The legacy `crm.status.list` row: every scalar a string, as the old CRM API reads them from the database. */
function present(row: StatusRow): Record<string, unknown> {
  const semantic = row.SEMANTICS === 'S' ? 'success' : row.SEMANTICS === 'F' ? 'failure' : 'process';
  return {
    ID: String(row.ID),
    ENTITY_ID: row.ENTITY_ID,
    STATUS_ID: row.STATUS_ID,
    NAME: row.NAME,
    NAME_INIT: row.SYSTEM === 'Y' ? row.NAME : '',
    SORT: String(row.SORT),
    SYSTEM: row.SYSTEM,
    CATEGORY_ID: row.CATEGORY_ID === null ? null : String(row.CATEGORY_ID),
    COLOR: row.COLOR,
    SEMANTICS: row.SEMANTICS,
    EXTRA: { SEMANTICS: semantic, COLOR: row.COLOR },
  };
}
