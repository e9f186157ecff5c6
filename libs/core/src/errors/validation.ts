import { ValidationError, ValidationPipe } from '@nestjs/common';
import { AppError, FieldError } from './app-error';
import { memoizeValidationMetadata } from './validation-metadata';

/**
 * Whitelisting and forbidding unknown properties blocks mass assignment; the factory turns class-validator's tree
 * into flat field paths that a client can map back onto its form.
 */
export function createValidationPipe(): ValidationPipe {
  memoizeValidationMetadata();
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) =>
      new AppError('VALIDATION_FAILED', 'invalid_input', 'Request validation failed', {
        detail: 'One or more fields are invalid.',
        errors: flatten(errors),
      }),
  });
}

function flatten(errors: readonly ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ path, message }));
    return [...own, ...flatten(error.children ?? [], path)];
  });
}
