// Layer rules (`npm run lint` runs `depcruise`). Paths are relative to the directory depcruise runs in, so
// test/packaging/layer-rules.spec.ts can run these same rules on a small tree laid out like this repository.
//
// core <- events <- connectors (libs/connectors/*) <- domain libs (any other libs/<name>) <- apps
// libs/testing, test/ and bench/ sit beside them: they may import anything, production code never imports them.

/** A lib other than core, events, the connectors and testing: master data, deliveries, returns, ... */
const DOMAIN_LIB = '^libs/(?!(?:core|events|connectors|testing)/)[^/]+/';
const TESTS = '\\.(?:spec|int-spec|e2e-spec)\\.ts$';

module.exports = {
  forbidden: [
    {
      name: 'core-imports-nothing-above',
      comment: 'libs/core is the base layer: it imports no other lib (its specs may use libs/testing).',
      severity: 'error',
      from: { path: '^libs/core/' },
      to: { path: '^libs/', pathNot: '^libs/(?:core|testing)/' },
    },
    {
      name: 'events-imports-core-only',
      comment: 'libs/events builds on libs/core only (its specs may use libs/testing).',
      severity: 'error',
      from: { path: '^libs/events/' },
      to: { path: '^libs/', pathNot: '^libs/(?:core|events|testing)/' },
    },
    {
      name: 'connector-to-connector',
      comment: 'A connector never imports another connector; what they share belongs in core or events.',
      severity: 'error',
      from: { path: '^libs/connectors/([^/]+)/' },
      to: { path: '^libs/connectors/', pathNot: '^libs/connectors/$1/' },
    },
    {
      name: 'connector-to-domain',
      comment: 'Connectors import core and events only: domain libs plug into their ports, not the other way round.',
      severity: 'error',
      from: { path: '^libs/connectors/' },
      to: { path: DOMAIN_LIB },
    },
    {
      name: 'domain-to-connector-outside-infrastructure',
      comment:
        "A domain lib's domain/ and application/ (and http/, jobs/, its module) depend on core, events and other " +
        "domains only; its infrastructure/ alone reaches a connector (through the connector's index), so the " +
        "bindings of a connector's ports to the domain's adapters live in infrastructure/ too.",
      severity: 'error',
      from: { path: `${DOMAIN_LIB}src/(?!infrastructure/)` },
      to: { path: '^libs/connectors/' },
    },
    {
      name: 'lib-through-its-index',
      comment: 'Another lib is imported only through its index.ts (@app/<lib>), never a file inside it.',
      severity: 'error',
      from: { path: '^(apps/[^/]+|libs/connectors/[^/]+|libs/[^/]+)/', pathNot: TESTS },
      to: {
        path: '^libs/',
        pathNot: ['^$1/', '^libs/(?:connectors/)?[^/]+/src/index\\.ts$'],
      },
    },
    {
      name: 'lib-to-app',
      comment:
        'Libs never import the apps; the apps are assembled from the libs. libs/testing is exempt: its test ' +
        'process entry points (test-worker.main.ts, recording-api.main.ts) assemble an app with test modules.',
      severity: 'error',
      from: { path: '^libs/', pathNot: '^libs/testing/' },
      to: { path: '^apps/' },
    },
    {
      name: 'test-code-in-production',
      comment: 'libs/testing, test/ and bench/ are never imported by production code.',
      severity: 'error',
      from: { path: '^(?:apps/|libs/(?!testing/)(?:connectors/)?[^/]+/src/|migrations/)', pathNot: TESTS },
      to: { path: '^(?:libs/testing/|test/|bench/)' },
    },
    {
      name: 'no-runtime-cycle',
      comment:
        'Modules that need each other at run time load half-initialised. Cycles through type-only imports ' +
        'vanish when compiled (the Bitrix24 fake and its inspection API refer to each other that way).',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^test/packaging/layer-fixtures/' },
    moduleSystems: ['cjs', 'es6'],
    // Type-only imports count: a port's types belong to a layer as much as its classes do.
    tsPreCompilationDeps: true,
    // The @app/<lib> aliases come from tsconfig's paths.
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
  },
};
