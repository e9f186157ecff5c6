import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { stringify } from 'yaml';

const DESCRIPTION = `Integration layer between 1C:Trade Management and Bitrix24 for a mobile courier business.

Conventions:
- Bearer JWT with a \`roles\` claim (\`1c\`, \`courier\`, \`admin\`); courier tokens carry \`courier_id\`.
- \`X-Request-Id\` is accepted (<= 128 chars of \`[A-Za-z0-9._:-]\`) or generated, and echoed on every response.
- State-changing business operations require \`Idempotency-Key\`.
- Errors are RFC 9457 \`application/problem+json\` with \`code\` and \`requestId\`.
- Lists use opaque cursors (\`cursor\`, \`limit\` <= 200).`;

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
  return SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controllerKey, methodKey) => `${controllerKey.replace(/Controller$/, '')}_${methodKey}`,
  });
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
