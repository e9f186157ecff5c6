import { isKnownEvent } from '../events/event-hub';
import { intParam, isRecord, stringParam, toList } from '../php-values';
import type { Params } from '../request-params';
import { RestError, restErrors } from '../rest-error';
import { listResult, type MethodTable } from './method-table';

/** The core reads these methods' parameters case-insensitively (`array_change_key_case`). */
function lowerKeys(params: Params): Params {
  return Object.fromEntries(Object.entries(params).map(([key, value]) => [key.toLowerCase(), value]));
}

function eventType(value: unknown): 'online' | 'offline' {
  const type = stringParam(value).toLowerCase();
  if (type === '' || type === 'online' || type === 'offline') {
    return type === 'offline' ? 'offline' : 'online';
  }
  throw new RestError(400, 'ERROR_ARGUMENT', 'Value must be one of {online|offline}');
}

function requiredProcessId(query: Params): string {
  if (query.process_id === undefined) {
    throw restErrors.argumentNull('PROCESS_ID');
  }
  return stringParam(query.process_id).trim();
}

function messageIds(value: unknown): string[] {
  if (!Array.isArray(value) && !isRecord(value)) {
    throw new RestError(400, 'ERROR_ARGUMENT', 'Value must be array of MESSAGE_ID values');
  }
  return toList(value).map((id) => {
    const trimmed = stringParam(id).trim();
    if (trimmed.length !== 32) {
      throw new RestError(400, 'ERROR_ARGUMENT', 'Value must be array of MESSAGE_ID values');
    }
    return trimmed;
  });
}

/**
 * Event binding and the offline queue, following the core's `rest/lib/api/event.php`; all of them need app
 * (OAuth) authorization. `auth_connector` comes with the credentials and scopes bindings and queue reads.
 */
export const eventMethods: MethodTable = {
  // What the application holding the token learns about itself (b24restdocs api-reference/common/system/app-info.md);
  // installers call it to check that a freshly received access token is theirs: CODE is the caller's client id.
  'app.info': {
    appOnly: true,
    handler: (_params, { application }) => ({
      result: {
        // appOnly: every caller that gets here holds an application's access token.
        ID: application!.id,
        CODE: application!.clientId,
        VERSION: 1,
        STATUS: application!.status,
        INSTALLED: true,
        PAYMENT_EXPIRED: 'N',
        DAYS: null,
        LANGUAGE_ID: 'ru',
        LICENSE: 'ru_project',
        LICENSE_TYPE: 'project',
        LICENSE_FAMILY: 'project',
      },
    }),
  },
  'event.bind': {
    appOnly: true,
    handler: (params, { portal, origin }) => {
      const { query, event, offline, handler } = bindingTarget(params);
      if (!isKnownEvent(event)) {
        throw new RestError(400, 'ERROR_EVENT_NOT_FOUND', 'Event not found');
      }
      if (offline && event === 'ONOFFLINEEVENT') {
        throw new RestError(400, 'ERROR_ARGUMENT', 'Offline event cannot be registered for this event.');
      }
      const authType = offline ? 0 : intParam(query.auth_type);
      const connectorId = origin.connector;
      const duplicate = portal.hub.handlers.some(
        (bound) =>
          bound.event === event &&
          bound.handler === handler &&
          bound.authType === authType &&
          bound.connectorId === connectorId,
      );
      if (duplicate) {
        throw new RestError(400, 'ERROR_HANDLER_ALREADY_EXIST', 'Handler already exists!');
      }
      const options = isRecord(query.options) ? query.options : {};
      portal.hub.bind({
        event,
        handler,
        authType,
        connectorId,
        offline,
        // Only ONOFFLINEEVENT declares `minTimeout` among its allowed options.
        minTimeoutSec:
          event === 'ONOFFLINEEVENT' && options.minTimeout !== undefined ? intParam(options.minTimeout) : undefined,
      });
      return { result: true };
    },
  },
  'event.unbind': {
    appOnly: true,
    handler: (params, { portal, origin }) => {
      const { query, event, offline, handler } = bindingTarget(params);
      const count = portal.hub.unbind(
        (bound) =>
          bound.event === event &&
          bound.handler === handler &&
          (offline
            ? bound.connectorId === origin.connector
            : query.auth_type === undefined || bound.authType === intParam(query.auth_type)),
      );
      return { result: { count } };
    },
  },
  'event.get': {
    appOnly: true,
    handler: (_params, { portal }) => ({
      result: portal.hub.handlers.map((bound) =>
        bound.offline
          ? { event: bound.event, connector_id: bound.connectorId, offline: 1 }
          : { event: bound.event, handler: bound.handler, auth_type: String(bound.authType), offline: 0 },
      ),
    }),
  },
  'event.offline.get': {
    appOnly: true,
    handler: (params, { portal, origin }) => {
      const query = lowerKeys(params);
      const limit = query.limit === undefined ? 50 : intParam(query.limit);
      if (limit <= 0) {
        throw new RestError(400, 'ERROR_ARGUMENT', 'Value must be positive integer');
      }
      return {
        result: portal.hub.offline.get({
          connectorId: origin.connector,
          filter: query.filter,
          order: query.order,
          limit,
          clear: query.clear === undefined || intParam(query.clear) !== 0,
          processId: query.process_id === undefined ? undefined : stringParam(query.process_id).trim(),
          error: intParam(query.error) === 1,
        }),
      };
    },
  },
  'event.offline.clear': {
    appOnly: true,
    handler: (params, { portal, origin }) => {
      const query = lowerKeys(params);
      const processId = requiredProcessId(query);
      if (query.message_id !== undefined) {
        portal.hub.offline.clear(processId, origin.connector, { messageIds: messageIds(query.message_id) });
      } else if (query.id !== undefined) {
        const ids = toList(query.id).map((id) => intParam(id));
        if (!(Array.isArray(query.id) || isRecord(query.id)) || ids.some((id) => id <= 0)) {
          throw new RestError(400, 'ERROR_ARGUMENT', 'Value must be array of integers');
        }
        portal.hub.offline.clear(processId, origin.connector, { ids });
      } else {
        portal.hub.offline.clear(processId, origin.connector);
      }
      return { result: true };
    },
  },
  'event.offline.error': {
    appOnly: true,
    handler: (params, { portal, origin }) => {
      const query = lowerKeys(params);
      const processId = requiredProcessId(query);
      if (!Array.isArray(query.message_id) && !isRecord(query.message_id)) {
        throw new RestError(400, 'ERROR_ARGUMENT', 'Value must be array of MESSAGE_ID values');
      }
      portal.hub.offline.markError(processId, origin.connector, toList(query.message_id).map(stringParam));
      return { result: true };
    },
  },
  'event.offline.list': {
    appOnly: true,
    handler: (params, { portal, origin }) => {
      const query = lowerKeys(params);
      const page = portal.hub.offline.list(origin.connector, query);
      return listResult(page.page, page);
    },
  },
};

/** What event.bind and event.unbind both name: the event, and the handler URL unless the binding is offline. */
function bindingTarget(params: Params) {
  const query = lowerKeys(params);
  const event = stringParam(query.event).toUpperCase();
  if (event === '') {
    throw restErrors.argumentNull('EVENT');
  }
  const offline = eventType(query.event_type) === 'offline';
  const handler = offline ? '' : stringParam(query.handler);
  if (!offline && handler === '') {
    throw restErrors.argumentNull('HANDLER');
  }
  return { query, event, offline, handler };
}
