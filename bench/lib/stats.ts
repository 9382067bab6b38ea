/**
 * Small statistics helpers: medians with their spread, percentiles of raw samples, formatting.
 * "Spread" is always min–max over the runs, so a reader sees how far one run can be from another.
 */

export interface Summary {
  readonly median: number
  readonly min: number
  readonly max: number
  readonly runs: readonly number[]
}

export function summarize(values: readonly number[]): Summary {
  const finite = values.filter((v) => Number.isFinite(v))
  if (finite.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, runs: [...values] }
  return { median: median(finite), min: Math.min(...finite), max: Math.max(...finite), runs: [...values] }
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** Nearest-rank percentile (p in 0..100) of unsorted samples. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = Float64Array.from(values).sort()
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)))
  return sorted[rank - 1]!
}

export function fmt(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a'
}

/** "12.3 (11.9–13.0)": median and min–max. */
export function fmtSummary(s: Summary, digits = 1): string {
  if (!Number.isFinite(s.median)) return 'n/a'
  if (s.runs.length <= 1 || s.min === s.max) return fmt(s.median, digits)
  return `${fmt(s.median, digits)} (${fmt(s.min, digits)}–${fmt(s.max, digits)})`
}

export const kib = (bytes: number) => bytes / 1024

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** The `limit` largest counts of `counts` as shares of `total` (profile samples), largest first. */
export function topShares(counts: Readonly<Record<string, number>>, total: number, limit: number): Record<string, number> {
  return Object.fromEntries(
    Object.entries(counts)
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([key, n]) => [key, n / (total || 1)]),
  )
}
