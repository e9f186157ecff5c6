import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateOpenApiYaml } from '../../scripts/openapi';

describe('openapi.yaml', () => {
  it('is exactly what the code generates (run `npm run openapi` after changing controllers or DTOs)', async () => {
    const committed = readFileSync(join(__dirname, '..', '..', 'openapi.yaml'), 'utf8');
    expect(await generateOpenApiYaml()).toBe(committed);
  });
});
