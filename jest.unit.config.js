// `npm run test:unit`: the `*.spec.ts` files only, which need neither a build, PostgreSQL nor Redis, so there is no
// global set-up. A spec that needs a service is an `*.int-spec.ts` or `*.e2e-spec.ts` and runs in `npm test`.
const { globalSetup: _build, globalTeardown: _cleanUp, ...wholeSuite } = require('./jest.config');

module.exports = { ...wholeSuite, testRegex: '.*\\.spec\\.ts$' };
