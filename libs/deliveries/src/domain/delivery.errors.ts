import { AppError, type FieldError } from '@app/core';
import type { DeliveryStatus } from './delivery-status';

const rules = (errors: readonly FieldError[]) => `${errors.length} field(s) break the rules: see errors.`;

/** The deliveries' coded errors: stable codes clients and runbooks rely on; the category decides the status. */
export const DeliveryErrors = {
  notFound: (id: string) =>
    new AppError('DELIVERY_NOT_FOUND', 'not_found', 'Not found', { detail: `No delivery ${id}.` }),
  invalid: (errors: readonly FieldError[]) =>
    new AppError('DELIVERY_INVALID', 'unprocessable', 'The delivery does not hold together', {
      detail: rules(errors),
      errors,
    }),
  invalidOutcome: (errors: readonly FieldError[]) =>
    new AppError('DELIVERY_OUTCOME_INVALID', 'unprocessable', 'The outcome does not match the delivery', {
      detail: rules(errors),
      errors,
    }),
  illegalTransition: (current: DeliveryStatus, reason: string) =>
    new AppError('DELIVERY_ILLEGAL_TRANSITION', 'conflict', 'Illegal status change', {
      detail: `The delivery is ${current}: ${reason}.`,
    }),
  forbiddenTransition: (reason: string) =>
    new AppError('DELIVERY_TRANSITION_FORBIDDEN', 'forbidden', 'Forbidden', { detail: `${reason}.` }),
  resolutionRefused: (reason: string) =>
    new AppError('DELIVERY_RESOLUTION_REFUSED', 'conflict', 'This resolution does not apply', { detail: `${reason}.` }),
  documentTaken: (id: string) =>
    new AppError('DELIVERY_DOCUMENT_EXISTS', 'conflict', 'This 1C document already has a delivery', {
      detail: `Delivery ${id} holds this document with other content: change it with PUT /api/v1/deliveries/${id}.`,
    }),
  tripNotFound: (id: string) =>
    new AppError('DELIVERY_TRIP_NOT_FOUND', 'not_found', 'Not found', { detail: `No trip ${id}.` }),
  invalidTrip: (errors: readonly FieldError[]) =>
    new AppError('DELIVERY_TRIP_INVALID', 'unprocessable', 'The trip does not hold together', {
      detail: rules(errors),
      errors,
    }),
  tripClosed: (id: string) =>
    new AppError('DELIVERY_TRIP_CLOSED', 'conflict', 'The trip is closed', {
      detail: `Trip ${id} is closed: every delivery of it has ended and 1C has its confirmation. Send a new trip.`,
    }),
};
