/** Bounded polling for a condition that becomes true on its own (a process's line, a socket's close). */

/** Resolves true as soon as `condition()` holds, false once `timeoutMs` passed without it. */
export async function until(condition: () => boolean, timeoutMs = 2_000): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 20))) {
    if (condition()) return true;
  }
  return condition();
}
