import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { stringify } from 'yaml';
import { NOT_RATE_LIMITED_EXTENSION } from '../rate-limit/rate-limit.decorators';

const DESCRIPTION = `Integration layer between 1C:Trade Management and Bitrix24 for a mobile courier business.

Conventions:
- Bearer JWT with a \`roles\` claim (\`1c\`, \`courier\`, \`admin\`); courier tokens carry \`courier_id\`.
- \`X-Request-Id\` is accepted (<= 128 chars of \`[A-Za-z0-9._:-]\`) or generated, and echoed on every response.
- State-changing business operations require \`Idempotency-Key\`.
- Errors are RFC 9457 \`application/problem+json\` with \`code\` and \`requestId\`.
- Lists use opaque cursors (\`cursor\`, \`limit\` <= 200).
- Requests are rate limited per caller (the token's subject, else the client address) and per class (reads, writes,
  the 1C exchange, the console), across all replicas. Every limited answer carries \`RateLimit-Limit\`,
  \`RateLimit-Remaining\`, \`RateLimit-Reset\` (seconds) and \`RateLimit-Policy\`; over the budget the answer is 429
  with \`Retry-After\`.`;

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('MasterMobile Middleware API')
    .setDescription(DESCRIPTION)
    .setVersion('1.0.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .addSecurityRequirements('bearer')
    .addGlobalParameters({
      name: 'X-Request-Id',
      in: 'header',
      required: false,
      description: 'Correlation id; generated when absent or unsafe, and echoed on the response.',
      schema: { type: 'string', maxLength: 128, pattern: '^[A-Za-z0-9._:-]{1,128}$' },
    })
    .build();
  return declareRateLimits(
    SwaggerModule.createDocument(app, config, {
      operationIdFactory: (controllerKey, methodKey) => `${controllerKey.replace(/Controller$/, '')}_${methodKey}`,
    }),
  );
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

const seconds = (description: string) => ({ description, schema: { type: 'integer', minimum: 0 } });

/**
 * Every operation the RateLimitGuard counts answers 429 once its caller's budget is spent: declared once as a
 * shared response, referenced by each operation not marked `@NotRateLimited()`.
 */
function declareRateLimits(document: OpenAPIObject): OpenAPIObject {
  document.components = {
    ...document.components,
    responses: {
      ...document.components?.responses,
      RateLimited: {
        description:
          'Too many requests: the caller spent its budget for this class of operations (or the operation’s own cap). ' +
          'Wait `Retry-After` seconds.',
        headers: {
          'Retry-After': seconds('Seconds until the budget is renewed.'),
          'RateLimit-Limit': seconds('Requests the caller may make in one window for this class.'),
          'RateLimit-Remaining': seconds('Requests left in the current window (0 here).'),
          'RateLimit-Reset': seconds('Seconds until the current window ends.'),
          'RateLimit-Policy': {
            description: 'The budget and its window, e.g. `1200;w=60`.',
            schema: { type: 'string' },
          },
        },
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDto' } } },
      },
    },
  };
  for (const item of Object.values(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method] as (typeof item)[typeof method] & Record<string, unknown>;
      if (!operation) {
        continue;
      }
      if (operation[NOT_RATE_LIMITED_EXTENSION]) {
        delete operation[NOT_RATE_LIMITED_EXTENSION];
      } else {
        operation.responses = { ...operation.responses, 429: { $ref: '#/components/responses/RateLimited' } };
      }
    }
  }
  return document;
}

/** Swagger UI at /docs, the JSON document at /docs-json. */
export function setUpSwagger(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
    swaggerOptions: { persistAuthorization: true },
  });
}

/** The committed openapi.yaml: keys sorted at every level so the file only changes when the contract does. */
export function renderOpenApiYaml(document: OpenAPIObject): string {
  return stringify(JSON.parse(JSON.stringify(document)), { sortMapEntries: true, lineWidth: 0 });
}
