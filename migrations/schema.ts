import { CORE_ENTITIES } from '@app/core';
import { EVENTS_ENTITIES } from '@app/events';

/**
 * The one list of entities that make up the database schema, shared by both apps and the TypeORM CLI, so the
 * migration drift check compares against exactly what runs.
 */
export const ALL_ENTITIES = [...CORE_ENTITIES, ...EVENTS_ENTITIES];

export const MIGRATIONS_DIRECTORY = __dirname;
