import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';

export class FieldErrorDto {
  @ApiProperty({ example: 'items.0.quantity' }) path!: string;
  @ApiProperty({ example: 'quantity must be a positive number' }) message!: string;
}

/** RFC 9457 problem details as this API sends them. */
export class ProblemDto {
  @ApiProperty({ example: '/problems/validation-failed' }) type!: string;
  @ApiProperty({ example: 'Request validation failed' }) title!: string;
  @ApiProperty({ example: 400 }) status!: number;
  @ApiPropertyOptional() detail?: string;
  @ApiPropertyOptional({ example: '/api/v1/admin/integration-log' }) instance?: string;
  @ApiProperty({ example: 'VALIDATION_FAILED', description: 'Stable machine-readable code.' }) code!: string;
  @ApiProperty({ description: 'Echo of X-Request-Id; quote it when reporting a problem.' }) requestId!: string;
  @ApiPropertyOptional({ type: [FieldErrorDto] }) errors?: FieldErrorDto[];
}

const DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed request, failed validation, or a missing Idempotency-Key.',
  401: 'Missing, expired or invalid bearer token.',
  403: 'The token is valid but lacks a role this operation needs.',
  404: 'Not found.',
  409: 'Conflict with the current state, or the same Idempotency-Key is still in flight.',
  413: 'Request body too large.',
  415: 'Unsupported content type.',
  422: 'Idempotency-Key reused with another body, or a business rule rejected the request.',
  429: 'Too many requests.',
};

/** Documents problem+json responses for the given statuses. */
export function ApiProblemResponses(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemDto),
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status] ?? 'Problem',
        content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDto) } } },
      }),
    ),
  );
}
