import { AppError, type FieldError } from '@app/core';
import type { CashDocumentStatus } from './cash-document-status';

/** The cash documents' coded errors: stable codes clients and runbooks rely on; the category decides the status. */
export const CashErrors = {
  notFound: (id: string) =>
    new AppError('CASH_DOCUMENT_NOT_FOUND', 'not_found', 'Not found', { detail: `No cash document ${id}.` }),
  courierNotFound: (id: string) =>
    new AppError('COURIER_NOT_FOUND', 'not_found', 'Not found', { detail: `No courier ${id}.` }),
  /** Each error's message starts with the rule's code (`NOT_ADDING_UP: …`), so a client can act on it. */
  invalid: (errors: readonly FieldError[]) =>
    new AppError('CASH_DOCUMENT_INVALID', 'unprocessable', 'The cash document breaks the rules', {
      detail: `${errors.length} field(s) break the rules: see errors.`,
      errors,
    }),
  illegalTransition: (current: CashDocumentStatus, reason: string) =>
    new AppError('CASH_DOCUMENT_ILLEGAL_TRANSITION', 'conflict', 'Illegal status change', {
      detail: `The cash document is ${current}: ${reason}.`,
    }),
  forbiddenTransition: (reason: string) =>
    new AppError('CASH_DOCUMENT_TRANSITION_FORBIDDEN', 'forbidden', 'Forbidden', { detail: `${reason}.` }),
  notOnecs: (id: string) =>
    new AppError('CASH_DOCUMENT_NOT_ONECS', 'conflict', 'Not a document 1C created', {
      detail: `Cash document ${id} was created in the middleware; 1C answers it with /ack, it does not replace it.`,
    }),
};
