import { AUDIT_ENTITIES } from '@app/audit';
import { CASH_DOCUMENTS_ENTITIES } from '@app/cash-documents';
import { CORE_ENTITIES } from '@app/core';
import { DELIVERIES_ENTITIES } from '@app/deliveries';
import { BITRIX24_ENTITIES } from '@app/bitrix24';
import { EVENTS_ENTITIES } from '@app/events';
import { INSTANT_ORDERS_ENTITIES } from '@app/instant-orders';
import { MASTER_DATA_ENTITIES } from '@app/master-data';
import { NOTIFIER_ENTITIES } from '@app/notifier';
import { ONEC_ENTITIES } from '@app/onec';
import { RETURNS_ENTITIES } from '@app/returns';
import { SLA_ENTITIES } from '@app/sla';

/**
 * The one list of entities that make up the database schema, shared by both apps and the TypeORM CLI, so the
 * migration drift check compares against exactly what runs.
 */
export const ALL_ENTITIES = [
  ...CORE_ENTITIES,
  ...EVENTS_ENTITIES,
  ...BITRIX24_ENTITIES,
  ...ONEC_ENTITIES,
  ...NOTIFIER_ENTITIES,
  ...MASTER_DATA_ENTITIES,
  ...AUDIT_ENTITIES,
  ...DELIVERIES_ENTITIES,
  ...INSTANT_ORDERS_ENTITIES,
  ...RETURNS_ENTITIES,
  ...CASH_DOCUMENTS_ENTITIES,
  ...SLA_ENTITIES,
];

export const MIGRATIONS_DIRECTORY = __dirname;
