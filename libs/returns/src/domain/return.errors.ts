import { AppError, type FieldError } from '@app/core';
import type { ReturnStatus } from './return-status';

/** The returns' coded errors: stable codes clients and runbooks rely on; the category decides the status. */
export const ReturnErrors = {
  notFound: (id: string) => new AppError('RETURN_NOT_FOUND', 'not_found', 'Not found', { detail: `No return ${id}.` }),
  /** Each error's message starts with the rule's code (`OVER_RETURNABLE: …`), so a client can act on it. */
  invalid: (errors: readonly FieldError[]) =>
    new AppError('RETURN_INVALID', 'unprocessable', 'The return breaks the rules', {
      detail: `${errors.length} field(s) break the rules: see errors.`,
      errors,
    }),
  illegalTransition: (current: ReturnStatus, reason: string) =>
    new AppError('RETURN_ILLEGAL_TRANSITION', 'conflict', 'Illegal status change', {
      detail: `The return is ${current}: ${reason}.`,
    }),
  resolutionRefused: (reason: string) =>
    new AppError('RETURN_RESOLUTION_REFUSED', 'conflict', 'This resolution does not apply', { detail: `${reason}.` }),
  forbiddenTransition: (reason: string) =>
    new AppError('RETURN_TRANSITION_FORBIDDEN', 'forbidden', 'Forbidden', { detail: `${reason}.` }),
};
