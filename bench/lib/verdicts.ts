/**
 * The verdict ledger (bench/verdicts.json): the met/missed verdict of every target, for every full run
 * that wrote bench/RESULTS.md. Whether verdicts hold from one day to the next is then read off the
 * report (section h) instead of remembered, and a verdict that flips shows up next to the run it
 * flipped in. Pure: reading and writing the file is run.ts's job.
 */
import type { TargetRow } from './report'
import type { BenchResults } from './types'

export type Verdict = 'pass' | 'miss' | 'inconclusive'

/**
 * What decides how the numbers are taken (git pathspecs): the bench's code outside the report, the
 * baseline, the peer and the stand-ins. A verdict that flips between runs with different measuring code
 * may be the method's doing, not the Worker's; the report says which.
 */
export const MEASURING_CODE = [
  'bench/lib',
  'bench/run.ts',
  'bench/baseline',
  'bench/peer',
  'local-auth',
  'local-pwned',
  ':(exclude)bench/lib/report*.ts',
  ':(exclude)bench/lib/findings.ts',
  ':(exclude)bench/lib/verdicts.ts',
  // The stand-ins' own tests and docs measure nothing.
  ':(exclude)local-auth/test',
  ':(exclude)local-pwned/test',
  ':(exclude)*.md',
] as const

export interface LedgerEntry {
  /** When the run started (ISO, UTC). */
  readonly date: string
  readonly commit: string
  /** The last commit that changed the measuring code (MEASURING_CODE) when the run was made. */
  readonly method?: string
  /** Cores and CPU model: verdicts from different machines are still comparable (they are ratios). */
  readonly machine: string
  /** Load average (1/5/15 min) before the run. */
  readonly loadAverage: readonly number[]
  /** Target id (TargetRow.id) → verdict. */
  readonly verdicts: Readonly<Record<string, Verdict>>
  /** Set on runs from before the ledger: where their numbers were read back from (judged by today's rules). */
  readonly readBackFrom?: string
}

/** Short names of the targets for the ledger table, by id; an id not listed shows as itself. */
export const TARGET_NAMES: Readonly<Record<string, string>> = {
  'cpu-per-reset': 'CPU per reset ≤ 1.25× baseline',
  'resets-vs-peer-0ms': 'Resets/s ≥ peer (0 ms)',
  'resets-vs-peer-30ms': 'Resets/s ≥ peer (30 ms)',
  'verify-rps': 'Verification req/s ≥ peer',
  'verify-p99': 'Verification p99 ≤ peer',
  'heap-flat': 'JS heap flat',
  'round-trips': 'Round trips at the floor',
  'concurrent-resets-correct': '1000 concurrent resets correct',
  languages: 'Languages ≤ 12 KiB',
  bundle: '(earlier) Bundle ≤ +15 KiB',
  startup: '(earlier) Start-up ≤ 1.2×',
}

export const verdictOf = (ok: boolean | undefined): Verdict => (ok === undefined ? 'inconclusive' : ok ? 'pass' : 'miss')

/** Fewest rounds of the lean comparison whose verdicts count (the ratios are medians over the rounds). */
export const LEDGER_MIN_ROUNDS = 5

/** Whether a run's verdicts belong in the ledger: a full run (every section, not --quick, at least 5 rounds). */
export function isLedgerRun(r: BenchResults, allSections: readonly string[]): boolean {
  const only = new Set(Array.isArray(r.meta.options.only) ? (r.meta.options.only as unknown[]) : [])
  const rounds = Number(r.meta.options.rounds)
  return !r.meta.quick && allSections.every((s) => only.has(s)) && rounds >= LEDGER_MIN_ROUNDS
}

/** The ledger entry of a run, from its target rows. */
export function ledgerEntry(r: BenchResults, rows: readonly TargetRow[]): LedgerEntry {
  return {
    date: r.meta.date,
    commit: r.meta.commit,
    ...(r.meta.method ? { method: r.meta.method } : {}),
    machine: `${r.meta.cpus} cores, ${r.meta.cpuModel}`,
    loadAverage: r.meta.loadAverageBefore,
    verdicts: Object.fromEntries(rows.map((t) => [t.id, verdictOf(t.ok)])),
  }
}

/** The ledger with `entry` in it, oldest first; a run already there (same start time) is replaced by its newer reading. */
export function withEntry(ledger: readonly LedgerEntry[], entry: LedgerEntry): LedgerEntry[] {
  return [...ledger.filter((e) => e.date !== entry.date), entry].sort((a, b) => a.date.localeCompare(b.date))
}

export interface VerdictChange {
  readonly id: string
  readonly then: Verdict
  readonly now: Verdict
}

export interface Agreement {
  /** The earlier run compared with. */
  readonly earlier: LedgerEntry
  readonly hoursApart: number
  /** Targets both runs judged, with the same verdict. */
  readonly same: readonly string[]
  /** Targets both runs judged, with different verdicts. */
  readonly changed: readonly VerdictChange[]
  /** Targets only one of the two runs judged (added or dropped since). */
  readonly onlyOne: readonly string[]
  /** Whether both runs measured with the same code; undefined when either does not say. */
  readonly sameMethod: boolean | undefined
}

/** "A day apart" as the issue means it: at least 24 hours between the two runs' starts, not merely another date. */
export const DAY_HOURS = 24

/** Hours from `earlier`'s start to `later`'s. */
export const hoursBetween = (earlier: { readonly date: string }, later: { readonly date: string }) => (Date.parse(later.date) - Date.parse(earlier.date)) / 3_600_000
/** A run with uncommitted measuring code (`+dirty`) cannot be said to match anything. */
const known = (m: string | undefined): m is string => m !== undefined && m !== '' && !m.endsWith('+dirty')
const sameCode = (a: LedgerEntry, b: LedgerEntry) => known(a.method) && known(b.method) && a.method === b.method

/** Target by target, `current` against `earlier`. */
export function agreement(earlier: LedgerEntry, current: LedgerEntry): Agreement {
  const ids = [...new Set([...Object.keys(current.verdicts), ...Object.keys(earlier.verdicts)])]
  const same: string[] = []
  const changed: VerdictChange[] = []
  const onlyOne: string[] = []
  for (const id of ids) {
    const then = earlier.verdicts[id]
    const now = current.verdicts[id]
    if (then === undefined || now === undefined) onlyOne.push(id)
    else if (then === now) same.push(id)
    else changed.push({ id, then, now })
  }
  const sameMethod = known(earlier.method) && known(current.method) ? sameCode(earlier, current) : undefined
  return { earlier, hoursApart: hoursBetween(earlier, current), same, changed, onlyOne, sameMethod }
}

/**
 * The run `current` is compared with "a day apart": of the runs at least 24 h before it, the newest that
 * measured with the same code (so a flip is the machine's or the Worker's doing, not the method's), else
 * the newest. Undefined when no run on record is 24 h older. ("Two runs a day apart": another day's
 * machine load, other agents' work, another start of the machine.)
 */
export function dayApart(ledger: readonly LedgerEntry[], current: LedgerEntry): Agreement | undefined {
  const old = ledger.filter((e) => hoursBetween(e, current) >= DAY_HOURS)
  const earlier = old.filter((e) => sameCode(e, current)).at(-1) ?? old.at(-1)
  return earlier && agreement(earlier, current)
}

/** The runs in the 24 h before `current`, each compared with it, oldest first. */
export function withinADay(ledger: readonly LedgerEntry[], current: LedgerEntry): Agreement[] {
  return ledger
    .filter((e) => e.date < current.date && hoursBetween(e, current) < DAY_HOURS)
    .map((e) => agreement(e, current))
}

/**
 * When no run with `current`'s measuring code is 24 h older yet: the oldest run with that code (the one
 * a later run can first be compared with) and the earliest start time of that later run. Undefined when
 * such a comparison already exists, or when `current`'s code is not known.
 */
export function sameCodeDue(ledger: readonly LedgerEntry[], current: LedgerEntry): { readonly first: LedgerEntry; readonly from: string } | undefined {
  if (!known(current.method)) return undefined
  const runs = ledger.filter((e) => e.date <= current.date && sameCode(e, current))
  if (runs.some((e) => hoursBetween(e, current) >= DAY_HOURS)) return undefined
  const first = runs[0] ?? current
  return { first, from: new Date(Date.parse(first.date) + DAY_HOURS * 3_600_000).toISOString() }
}
