/** A command used wrongly (bad flag value): one line to stderr and exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
