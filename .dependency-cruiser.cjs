/**
 * The import rule (ARCHITECTURE.md): a pure core ← runtime adapters ← infrastructure, and the tools
 * (local mode, CLI, benchmark, scripts) beside them, never in each other's internals.
 * `npm test` runs it (npm run lint); test/lint/import-direction.test.ts proves it catches a wrong way.
 */
const OUTSIDE_FUNCTIONS = '^(bin|lib|local|cli|bench|test|scripts)/';

module.exports = {
  forbidden: [
    {
      name: 'core-is-pure',
      comment: 'functions/core: the decision, schema, routes, settings. No AWS, no I/O, nothing above it.',
      severity: 'error',
      from: { path: '^functions/core/' },
      to: { pathNot: ['^functions/core/', '^node:crypto$', '^crypto$', 'node_modules/ajv/'] },
    },
    {
      name: 'runtime-uses-core-only',
      comment: 'functions/runtime: adapters over the core; they never reach up into handlers, constructs or tools.',
      severity: 'error',
      from: { path: '^functions/runtime/' },
      to: { path: [OUTSIDE_FUNCTIONS, '^functions/[^/]+\\.ts$'] },
    },
    {
      name: 'handlers-only-wire',
      comment: 'functions/*.ts (the Lambda handlers) wire the core and adapters, nothing else of the repository.',
      severity: 'error',
      from: { path: '^functions/[^/]+\\.ts$' },
      to: { path: OUTSIDE_FUNCTIONS },
    },
    {
      name: 'infrastructure-loads-no-runtime',
      comment: 'lib/: constructs use the core’s settings and routes, never the adapters, the AWS SDK or tools.',
      severity: 'error',
      from: { path: '^(lib|bin)/' },
      to: {
        path: [
          '^functions/runtime/',
          '^functions/[^/]+\\.ts$',
          '^(local|cli|bench|test|scripts)/',
          'node_modules/@aws-sdk/',
          'node_modules/@middy/',
        ],
      },
    },
    {
      name: 'synth-loads-no-validator',
      comment: 'cdk synth must not load the generated validator; only the package entry point re-exports it.',
      severity: 'error',
      from: { path: '^(lib|bin)/', pathNot: '^lib/index\\.ts$' },
      to: {
        path: ['^functions/core/webhook-core\\.ts$', '^functions/core/generated/validate-panther-alert'],
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'core-serves-functions',
      comment:
        'functions/core is what the functions share (with the constructs and local mode): a core module only the CLI (or a test) reaches belongs in cli/.',
      severity: 'error',
      from: { path: '^(functions/[^/]+\\.ts$|functions/runtime/|lib/|bin/|local/)' },
      to: { path: '^functions/core/', pathNot: '\\.d\\.ts$', reachable: false },
    },
    {
      name: 'local-mode-is-no-cli',
      severity: 'error',
      from: { path: '^local/' },
      to: { path: '^(bin|lib|cli|bench|test)/' },
    },
    {
      name: 'cli-is-no-local-mode',
      severity: 'error',
      from: { path: '^cli/' },
      to: { path: '^(bin|lib|local|bench|test)/' },
    },
    {
      name: 'tools-never-import-tests',
      severity: 'error',
      from: { path: '^(bench|scripts)/' },
      to: { path: '^test/' },
    },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|cdk\\.out|coverage)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
