/**
 * Runs `run` with these variables set (undefined: unset) on the real process.env, and puts back what
 * was there once it returns or, for a promise, settles: test/support/env-unchanged.cjs fails any test
 * that leaves the environment changed. For code that reads process.env itself (the SDK, aws-cdk-lib).
 */
export function withEnv<T>(variables: Readonly<Record<string, string | undefined>>, run: () => T): T {
  const saved = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]));
  const apply = (values: Readonly<Record<string, string | undefined>>) => {
    for (const [name, value] of Object.entries(values)) {
      // On the real environment object: replacing process.env would leave a plain object in its place.
      if (value === undefined) Reflect.deleteProperty(process.env, name);
      else process.env[name] = value;
    }
  };
  apply(variables);
  let result: T;
  try {
    result = run();
  } catch (error) {
    apply(saved);
    throw error;
  }
  if (result instanceof Promise) return result.finally(() => apply(saved)) as T;
  apply(saved);
  return result;
}
