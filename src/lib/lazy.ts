/**
 * Build a value on first use, then reuse it. Module-scope work runs at every isolate start, on the
 * critical path of the first request; schemas and tables that a request may not need wait until one does.
 */
export function lazy<T>(make: () => T): () => T {
  let value: T | undefined
  return () => (value ??= make())
}
