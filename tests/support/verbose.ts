/**
 * Figures the proof suites measure (sequences run, corpus sizes, load throughput): printed only with
 * `MAK_VERBOSE=1`, so that a passing `npm test` is quiet. A failure carries its own details.
 */
const VERBOSE = process.env.MAK_VERBOSE === '1';

export function report(line: string): void {
  // eslint-disable-next-line no-console
  if (VERBOSE) console.log(line);
}
