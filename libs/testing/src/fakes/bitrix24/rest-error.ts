/** A REST-level failure rendered as Bitrix24's v2 error envelope `{error, error_description}`. */
export class RestError extends Error {
  constructor(
    readonly status: number,
    // Codes are strings, `""`, or numbers depending on the module (protocol doc §2.4), so keep them as given.
    readonly code: string | number,
    readonly description: string,
  ) {
    super(`${String(code)}: ${description}`);
  }

  toBody(): { error: string | number; error_description: string } {
    return { error: this.code, error_description: this.description };
  }
}

/** Errors shared by several methods; wording from the protocol doc and the official docs it cites. */
export const restErrors = {
  methodNotFound: () => new RestError(404, 'ERROR_METHOD_NOT_FOUND', 'Method not found!'),
  noAuth: () => new RestError(401, 'NO_AUTH_FOUND', 'Wrong authorization data'),
  expiredToken: () => new RestError(401, 'expired_token', 'The access token provided has expired.'),
  invalidToken: () => new RestError(401, 'invalid_token', 'The access token provided is invalid.'),
  wrongAuthType: () => new RestError(403, 'WRONG_AUTH_TYPE', 'Current authorization type is denied for this method'),
  queryLimit: () => new RestError(503, 'QUERY_LIMIT_EXCEEDED', 'Too many requests'),
  operationTimeLimit: () =>
    new RestError(429, 'OPERATION_TIME_LIMIT', 'Method is blocked due to operation time limit.'),
  internal: () => new RestError(500, 'INTERNAL_SERVER_ERROR', 'Internal server error'),
  missingParameter: (name: string, code: string | number = 100) =>
    new RestError(400, code, `Could not find value for parameter {${name}}`),
  argumentNull: (name: string) => new RestError(400, 'ERROR_ARGUMENT', `Argument '${name}' is null or empty`),
};
