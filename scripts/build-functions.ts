/**
 * Build step: the Lambda bundles (dist/lambda/<name>/index.js), one self-contained CommonJS file
 * per function with the SDK, middy and the standalone validator inside. Runs after the schema
 * code generation on `npm run build`, before every test run and before every `cdk synth` here.
 */
import { join } from 'node:path';
import { type BuildOptions, build, type Plugin } from 'esbuild';
import { contentHash, filesUnder, forgetBuild, recordBuild, replaceIfChanged, upToDate } from './build-cache';
import { generateAlertCode } from './generate-alert-code';

const ROOT = join(__dirname, '..');
export const BUNDLE_DIR = join(ROOT, 'dist', 'lambda');

/**
 * @middy/core imports node:stream/promises and node:stream/web at load for streamed responses, which
 * the receiver never uses; Node.js 20 then loads web streams on every cold start (about 6 ms). The
 * bundle gets them through getters instead, loaded on first use.
 */
const deferStreamBuiltins: Plugin = {
  name: 'defer-stream-builtins',
  setup(on) {
    on.onResolve({ filter: /^node:stream\/(web|promises)$/ }, (args) =>
      /[\\/]@middy[\\/]core[\\/]/.test(args.importer) ? { path: args.path, namespace: 'deferred-builtin' } : undefined,
    );
    on.onLoad({ filter: /.*/, namespace: 'deferred-builtin' }, async (args) => {
      // The export names, known at build time; the module itself is required on first access.
      const names = Object.keys(await import(args.path)).filter((name) => name !== 'default');
      const getters = names.map((name) => `get ${name}() { return require(${JSON.stringify(args.path)}).${name}; }`);
      return { contents: `module.exports = { ${getters.join(', ')} };`, loader: 'js' };
    });
  },
};

/**
 * The SDK's default credential chain, less the links that can never answer in Lambda, where the
 * execution role's credentials are in the environment: profile files (ini), SSO, credential_process
 * and web-identity token files. Their code (with the STS, SSO and sign-in clients they carry) is
 * over a third of the bundle, and Node.js compiles all of it on every cold start. Each is replaced
 * by a link that passes to the next one (tryNextLink), so the chain still reaches the environment
 * first and the container/instance endpoints last, as before. test/functions/lambda-bundle.test.ts
 * runs the bundle with credentials from each source that remains.
 */
const lambdaCredentialChain: Plugin = {
  name: 'lambda-credential-chain',
  setup(on) {
    on.onResolve({ filter: /^@aws-sdk\/credential-provider-(ini|sso|process|web-identity)$/ }, (args) => ({
      path: args.path,
      namespace: 'not-in-lambda',
    }));
    on.onLoad({ filter: /.*/, namespace: 'not-in-lambda' }, (args) => ({
      resolveDir: ROOT,
      loader: 'js',
      contents: `import { CredentialsProviderError } from '@smithy/core/config';
const skip = () => () => async () => {
  throw new CredentialsProviderError(${JSON.stringify(`${args.path} is not in this Lambda bundle (credentials come from the environment)`)}, { tryNextLink: true });
};
export const fromIni = skip(), fromSSO = skip(), fromProcess = skip(), fromTokenFile = skip(), fromWebToken = skip();`,
    }));
  },
};

/** How a well-built Lambda bundle is made: the benchmark's peers are built with these. */
export const BASE_BUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  minify: true,
  // Prefer the SDK's ES modules: they tree-shake (a smaller, faster-loading bundle).
  mainFields: ['module', 'main'],
  logLevel: 'warning',
} satisfies BuildOptions;

/** How this project's Lambda bundles are built: the base, with what the functions never use trimmed. */
export const LAMBDA_BUILD_OPTIONS = {
  ...BASE_BUILD_OPTIONS,
  plugins: [deferStreamBuiltins, lambdaCredentialChain],
} satisfies BuildOptions;

const FUNCTIONS = ['receiver', 'example-consumer', 'inbox-processor'];
const GENERATED = join('functions', 'core', 'generated');

/**
 * What the bundles and the generated code are made from: the functions' source (the generated code
 * aside, it is an output), the build scripts, the configs esbuild reads and the installed packages.
 */
export function functionInputs(): string {
  return contentHash(
    filesUnder(
      ['functions', 'scripts', 'package.json', 'package-lock.json', 'tsconfig.json', 'node_modules/.package-lock.json'],
      [GENERATED],
    ),
  );
}

/** The schema's generated code and the Lambda bundles, unless they are up to date with their inputs (build-cache.ts). */
export async function buildFunctions(): Promise<void> {
  const inputs = functionInputs();
  if (upToDate('functions', inputs)) return;
  forgetBuild('functions');
  await generateAlertCode();
  const bundles = FUNCTIONS.map((name) => join(BUNDLE_DIR, name, 'index.js'));
  await Promise.all(
    FUNCTIONS.map(async (name, i) => {
      const built = await build({
        ...LAMBDA_BUILD_OPTIONS,
        entryPoints: [join(ROOT, 'functions', `${name}.ts`)],
        outfile: bundles[i],
        write: false,
      });
      replaceIfChanged(bundles[i]!, Buffer.from(built.outputFiles[0]!.contents));
    }),
  );
  recordBuild('functions', inputs, [...bundles, ...filesUnder([GENERATED])]);
}

if (require.main === module) {
  buildFunctions().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
