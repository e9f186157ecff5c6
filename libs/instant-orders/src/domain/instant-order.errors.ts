import { AppError, type FieldError } from '@app/core';
import type { InstantOrderStatus } from './instant-order-status';

/** The instant orders' coded errors: stable codes clients and runbooks rely on; the category decides the status. */
export const InstantOrderErrors = {
  notFound: (id: string) =>
    new AppError('INSTANT_ORDER_NOT_FOUND', 'not_found', 'Not found', { detail: `No instant order ${id}.` }),
  /** Each error's message starts with the rule's code (`PRICE_MISMATCH: …`), so a client can act on it. */
  invalid: (errors: readonly FieldError[]) =>
    new AppError('INSTANT_ORDER_INVALID', 'unprocessable', 'The order breaks the sale rules', {
      detail: `${errors.length} field(s) break the rules: see errors.`,
      errors,
    }),
  illegalTransition: (current: InstantOrderStatus, reason: string) =>
    new AppError('INSTANT_ORDER_ILLEGAL_TRANSITION', 'conflict', 'Illegal status change', {
      detail: `The order is ${current}: ${reason}.`,
    }),
  forbiddenTransition: (reason: string) =>
    new AppError('INSTANT_ORDER_TRANSITION_FORBIDDEN', 'forbidden', 'Forbidden', { detail: `${reason}.` }),
  resolutionRefused: (reason: string) =>
    new AppError('INSTANT_ORDER_RESOLUTION_REFUSED', 'conflict', 'This resolution does not apply', {
      detail: `${reason}.`,
    }),
  courierRequired: () =>
    new AppError('INSTANT_ORDER_COURIER_REQUIRED', 'unprocessable', 'Which courier sold it?', {
      detail: 'An admin creates an order on behalf of a courier: name it in courierId.',
      errors: [{ path: 'courierId', message: 'REQUIRED: an admin names the courier' }],
    }),
};
