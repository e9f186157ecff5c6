// The whole suite: unit, integration and e2e specs (jest.unit.config.js narrows it to the unit specs). Path
// aliases come from tsconfig so they are declared once.
const { readFileSync } = require('node:fs');

const swcrc = JSON.parse(readFileSync(`${__dirname}/.swcrc`, 'utf8'));
const { paths } = JSON.parse(readFileSync(`${__dirname}/tsconfig.json`, 'utf8')).compilerOptions;
delete swcrc.jsc.baseUrl;
delete swcrc.jsc.paths;

const moduleNameMapper = {};
for (const [alias, [target]] of Object.entries(paths)) {
  moduleNameMapper[`^${alias}$`] = `<rootDir>/${target}`;
}

module.exports = {
  testEnvironment: 'node',
  rootDir: __dirname,
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swcrc, swcrc: false }] },
  moduleNameMapper,
  testRegex: '.*\\.(spec|int-spec|e2e-spec)\\.ts$',
  // Files the layer-rules spec cruises, not specs of their own.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/packaging/layer-fixtures/'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 60_000,
  maxWorkers: process.env.JEST_MAX_WORKERS ?? 2,
};
