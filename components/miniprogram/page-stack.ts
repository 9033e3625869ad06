/** The DSL page stack (`getCurrentPages()`, a free variable of the engine), read without throwing. */
declare const getCurrentPages: unknown;

/** The pages of the stack, the loading one included; empty when the engine does not tell. */
export function pageStack(): readonly unknown[] {
  try {
    const pages: unknown = typeof getCurrentPages === 'function' ? getCurrentPages() : [];
    return Array.isArray(pages) ? pages : [];
  } catch {
    return [];
  }
}
