/**
 * Polls until `condition` holds, failing with `what` after `timeoutMs`: a wait in a test must end,
 * or a condition that never comes keeps the runner alive after the suite (and CI with it).
 */
export async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, { timeoutMs = 20_000, everyMs = 10 } = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
