/**
 * The verdict ledger decides what RESULTS.md says about verdicts holding from day to day, so its
 * comparisons are checked as properties over arbitrary ledgers, and its report line by what it says.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { ResetRun } from '../lib/compare'
import { targets, writeReport } from '../lib/report'
import { allProcessesPerReset, judged } from '../lib/report-compare'
import { verdictSummary } from '../lib/report-verdicts'
import { agreement, dayApart, isLedgerRun, ledgerEntry, sameCodeDue, TARGET_NAMES, withEntry, withinADay, type LedgerEntry, type Verdict } from '../lib/verdicts'
import type { BenchResults } from '../lib/types'

const IDS = ['cpu-per-reset', 'verify-rps', 'heap-flat', 'bundle', 'startup']
const verdict = fc.constantFrom<Verdict>('pass', 'miss', 'inconclusive')
const verdicts = fc.dictionary(fc.constantFrom(...IDS), verdict)
/** Start times over a few days, to the millisecond, so several fall on one day and some on others. */
const date = fc.integer({ min: Date.UTC(2026, 10, 26), max: Date.UTC(2026, 10, 30) - 1 }).map((t) => new Date(t).toISOString())
const entry = fc.record({ date, commit: fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 7, maxLength: 7 }), machine: fc.constant('2 cores'), loadAverage: fc.constant([1, 1, 1]), verdicts })
const ledger = fc.array(entry, { maxLength: 12 }).map((es) => es.reduce<LedgerEntry[]>((l, e) => withEntry(l, e), []))

const run = (iso: string, v: Record<string, Verdict>, commit = 'abcdef0', method?: string): LedgerEntry => ({ date: iso, commit, ...(method ? { method } : {}), machine: '2 cores', loadAverage: [1, 1, 1], verdicts: v })

describe('agreement', () => {
  it('puts every target either run judged in exactly one of same, changed, only-one, by its two verdicts', () => {
    fc.assert(
      fc.property(entry, entry, (a, b) => {
        const g = agreement(a, b)
        const union = [...new Set([...Object.keys(a.verdicts), ...Object.keys(b.verdicts)])]
        const kindOf = (id: string) => (g.same.includes(id) ? 'same' : g.changed.some((c) => c.id === id) ? 'changed' : g.onlyOne.includes(id) ? 'onlyOne' : 'none')
        const expected = (id: string) => (a.verdicts[id] === undefined || b.verdicts[id] === undefined ? 'onlyOne' : a.verdicts[id] === b.verdicts[id] ? 'same' : 'changed')
        expect(g.same.length + g.changed.length + g.onlyOne.length).toBe(union.length)
        for (const id of union) expect(kindOf(id)).toBe(expected(id))
        for (const c of g.changed) expect([c.then, c.now]).toEqual([a.verdicts[c.id], b.verdicts[c.id]])
      }),
    )
  })

  it('says whether both runs measured with the same code, and does not guess when one does not say', () => {
    const method = fc.option(fc.constantFrom('aaaaaaa', 'bbbbbbb'), { nil: undefined })
    fc.assert(
      fc.property(entry, entry, method, method, (a, b, ma, mb) => {
        const g = agreement({ ...a, ...(ma ? { method: ma } : {}) }, { ...b, ...(mb ? { method: mb } : {}) })
        expect(g.sameMethod).toBe(ma && mb ? ma === mb : undefined)
      }),
    )
    expect(agreement(run('2026-11-29T10:00:00.000Z', {}, 'a', 'm1+dirty'), run('2026-11-30T10:00:00.000Z', {}, 'b', 'm1+dirty')).sameMethod).toBeUndefined()
  })

  it('gives the hours between the two runs', () => {
    expect(agreement(run('2026-11-29T10:00:00.000Z', {}), run('2026-11-30T16:30:00.000Z', {})).hoursApart).toBe(30.5)
  })
})

describe('dayApart', () => {
  const hours = (a: LedgerEntry, b: LedgerEntry) => (Date.parse(b.date) - Date.parse(a.date)) / 3_600_000
  const methodOf = fc.option(fc.constantFrom('aaaaaaa', 'bbbbbbb', 'aaaaaaa+dirty'), { nil: undefined })
  const withMethod = (e: LedgerEntry, m: string | undefined): LedgerEntry => ({ ...e, ...(m ? { method: m } : {}) })
  const methodLedger = fc.array(fc.tuple(entry, methodOf), { maxLength: 12 }).map((es) => es.reduce<LedgerEntry[]>((l, [e, m]) => withEntry(l, withMethod(e, m)), []))
  const current = fc.tuple(entry, methodOf).map(([e, m]) => withMethod(e, m))
  const clean = (m: string | undefined) => m !== undefined && !m.endsWith('+dirty')

  it('compares with a run at least 24 h older: the newest with the same measuring code, else the newest; none when none is that old', () => {
    fc.assert(
      fc.property(methodLedger, current, (l, now) => {
        const a = dayApart(l, now)
        const old = l.filter((e) => hours(e, now) >= 24)
        const sameCode = old.filter((e) => clean(e.method) && e.method === now.method && clean(now.method))
        if (old.length === 0) expect(a).toBeUndefined()
        else expect(a?.earlier).toBe((sameCode.length ? sameCode : old).reduce((x, y) => (y.date > x.date ? y : x)))
      }),
    )
  })

  it('never calls a run of the previous evening a day apart', () => {
    const now = run('2026-11-30T00:10:00.000Z', {}, 'b', 'm1')
    expect(dayApart([run('2026-11-29T21:44:00.000Z', {}, 'a', 'm1')], now)).toBeUndefined()
    expect(dayApart([run('2026-11-29T00:10:00.000Z', {}, 'a', 'm1')], now)?.hoursApart).toBe(24)
  })

  it('splits the earlier runs at exactly 24 h, and says a same-code comparison is due exactly when dayApart has none', () => {
    // Every 12 hours, so runs exactly 24 h apart are common: the boundary belongs to "a day apart" everywhere.
    const hourly = fc.integer({ min: 0, max: 8 }).map((h) => new Date(Date.UTC(2026, 10, 26) + h * 12 * 3_600_000).toISOString())
    const hourlyRun = fc.tuple(entry, hourly, fc.constantFrom('aaaaaaa', 'bbbbbbb')).map(([e, d, m]) => ({ ...e, date: d, method: m }))
    fc.assert(
      fc.property(fc.array(hourlyRun, { maxLength: 6 }), hourlyRun, (runs, now) => {
        const l = runs.reduce<LedgerEntry[]>((acc, e) => withEntry(acc, e), []).filter((e) => e.date !== now.date)
        const earlier = l.filter((e) => e.date < now.date)
        const within = withinADay(l, now).map((a) => a.earlier)
        const old = earlier.filter((e) => !within.includes(e))
        expect(old.every((e) => hours(e, now) >= 24) && within.every((e) => hours(e, now) < 24)).toBe(true)
        const apart = dayApart(l, now)
        expect(apart?.earlier).toBe(old.at(-1) && (old.filter((e) => e.method === now.method).at(-1) ?? old.at(-1)))
        expect(sameCodeDue(l, now) === undefined).toBe(apart?.sameMethod === true)
      }),
    )
  })

  it('withinADay compares with each earlier run of the 24 hours before and nothing else', () => {
    fc.assert(
      fc.property(ledger, entry, (l, now) => {
        const got = withinADay(l, now).map((a) => a.earlier)
        expect(got).toEqual(l.filter((e) => e.date < now.date && hours(e, now) < 24))
      }),
    )
  })

  it('sameCodeDue names the oldest run with this measuring code and the time 24 h after it, only while no such run is 24 h old', () => {
    fc.assert(
      fc.property(methodLedger, current, (l, now) => {
        const due = sameCodeDue(l, now)
        const runs = l.filter((e) => e.date <= now.date && clean(e.method) && e.method === now.method)
        if (!clean(now.method) || runs.some((e) => hours(e, now) >= 24)) {
          expect(due).toBeUndefined()
          return
        }
        const first = runs[0] ?? now
        expect(due?.first).toBe(first)
        expect(Date.parse(due!.from) - Date.parse(first.date)).toBe(24 * 3_600_000)
        expect(Date.parse(due!.from)).toBeGreaterThan(Date.parse(now.date))
      }),
    )
  })
})

describe('withEntry', () => {
  it('keeps the ledger in time order, one entry per run, the newest reading of a run winning', () => {
    fc.assert(
      fc.property(ledger, entry, (l, e) => {
        const next = withEntry(l, e)
        expect(next.map((x) => x.date)).toEqual([...next.map((x) => x.date)].sort())
        expect(new Set(next.map((x) => x.date)).size).toBe(next.length)
        expect(next.find((x) => x.date === e.date)).toBe(e)
        expect(next.length).toBe(l.length + (l.some((x) => x.date === e.date) ? 0 : 1))
      }),
    )
  })
})

describe('which runs enter the ledger, and how', () => {
  const ALL = ['bundle', 'startup', 'lean']
  const results = (only: string[], quick = false, rounds = 5) => ({ meta: { date: '2026-11-29T16:25:19.212Z', commit: 'abc1234', cpus: 2, cpuModel: 'Xeon', loadAverageBefore: [1.4, 2.3, 1.8], quick, options: { only, rounds } } }) as unknown as BenchResults

  it('takes full runs only: not --quick, not --only a subset, not fewer than 5 rounds', () => {
    expect(isLedgerRun(results(ALL), ALL)).toBe(true)
    expect(isLedgerRun(results(ALL, true), ALL)).toBe(false)
    expect(isLedgerRun(results(['bundle', 'lean']), ALL)).toBe(false)
    expect(isLedgerRun(results(ALL, false, 4), ALL)).toBe(false)
    expect(isLedgerRun(results(ALL, false, 7), ALL)).toBe(true)
  })

  it('records each target by id as met, missed or inconclusive', () => {
    const e = ledgerEntry(results(ALL), [
      { id: 'cpu-per-reset', target: 'x', measured: 'y', ok: false },
      { id: 'heap-flat', target: 'x', measured: 'y', ok: true },
      { id: 'startup', target: 'x', measured: 'y', ok: undefined },
    ])
    expect(e).toEqual({ date: '2026-11-29T16:25:19.212Z', commit: 'abc1234', machine: '2 cores, Xeon', loadAverage: [1.4, 2.3, 1.8], verdicts: { 'cpu-per-reset': 'miss', 'heap-flat': 'pass', startup: 'inconclusive' } })
  })
})

describe('what RESULTS.md says', () => {
  const now = run('2026-11-30T09:00:00.000Z', { 'cpu-per-reset': 'miss', 'heap-flat': 'pass', 'verify-rps': 'miss' })

  it('says so when no run 24 h older is on record, even one of the previous evening', () => {
    const text = verdictSummary([run('2026-11-29T21:44:00.000Z', now.verdicts), run('2026-11-30T08:00:00.000Z', now.verdicts)], now)
    expect(text).toContain('no run 24 h or more before this one is on record yet (the ledger holds 2 earlier runs, all less than 24 h before this one)')
    expect(text).toContain('all 2 runs on record gave the same verdicts')
  })

  it('says from when a run can be compared with one of the same measuring code a day earlier', () => {
    const text = verdictSummary(
      [run('2026-11-26T13:56:00.000Z', now.verdicts, 'old', 'm0'), run('2026-11-29T21:44:00.000Z', now.verdicts, 'a', 'm1'), run('2026-11-30T01:00:00.000Z', now.verdicts, 'b', 'm1')],
      { ...now, method: 'm1' },
    )
    expect(text).toContain("same verdicts as the run of 2026-11-26 13:56 UTC (commit `old`, 91.1 h earlier; the bench's measuring code changed in between (`m0` → now))")
    expect(text).toContain('No run with this measuring code (`m1`) is 24 h older yet (the first with it, of 2026-11-29 21:44 UTC, is 11.3 h older): a full run from 2026-11-30 21:44 UTC on gives that comparison.')
    expect(verdictSummary([], { ...now, method: 'm1' })).toContain('(this run is the first with it): a full run from 2026-12-01 09:00 UTC on')
  })

  it('prefers the run of the same measuring code a day earlier to a newer one of other code', () => {
    const text = verdictSummary([run('2026-11-28T10:00:00.000Z', now.verdicts, 'same', 'm1'), run('2026-11-29T08:00:00.000Z', now.verdicts, 'other', 'm0')], { ...now, method: 'm1' })
    expect(text).toContain('(commit `same`, 47.0 h earlier, same measuring code `m1`)')
    expect(text).not.toContain('No run with this measuring code')
  })

  it('says so when nothing else is on record', () => {
    const text = verdictSummary([run('2026-11-30T08:00:00.000Z', now.verdicts)], now)
    expect(text).toContain('no run 24 h or more before this one is on record')
    expect(text).toContain('all 1 runs on record gave the same verdicts')
  })

  it('names the run a day earlier and says the verdicts match', () => {
    const text = verdictSummary([run('2026-11-29T06:25:00.000Z', now.verdicts, '61b2d17')], now)
    expect(text).toContain('same verdicts as the run of 2026-11-29 06:25 UTC (commit `61b2d17`, 26.6 h earlier) on all 3 targets')
  })

  it('names each verdict that flipped since the day before', () => {
    const text = verdictSummary([run('2026-11-29T06:25:00.000Z', { ...now.verdicts, 'verify-rps': 'pass' })], now)
    expect(text).toContain('**1 of 3 verdicts differ**')
    expect(text).toContain('Verification req/s ≥ peer: met → missed')
  })

  it('compares with the newest run a day older, not an older one that happens to agree', () => {
    const older = run('2026-11-28T10:00:00.000Z', now.verdicts, 'aaaaaaa')
    const newer = run('2026-11-29T08:00:00.000Z', { ...now.verdicts, 'heap-flat': 'miss' }, 'bbbbbbb')
    const text = verdictSummary([older, newer], now)
    expect(text).toContain('`bbbbbbb`')
    expect(text).toContain('JS heap flat: missed → met')
  })

  it('says whether the measuring code was the same a day apart', () => {
    expect(verdictSummary([run('2026-11-29T06:25:00.000Z', now.verdicts, '61b2d17', 'm1')], { ...now, method: 'm1' })).toContain('same measuring code `m1`')
    expect(verdictSummary([run('2026-11-29T06:25:00.000Z', now.verdicts, '61b2d17', 'm1')], { ...now, method: 'm2' })).toContain("the bench's measuring code changed in between (`m1` → now)")
  })

  it('sums up the 24 hours before by target: what each flipped verdict was in how many earlier runs', () => {
    const text = verdictSummary(
      [
        run('2026-11-30T06:00:00.000Z', { ...now.verdicts, 'verify-rps': 'pass' }, 'a', 'm1'),
        run('2026-11-30T07:00:00.000Z', { ...now.verdicts, 'verify-rps': 'pass' }, 'b', 'm2'),
        run('2026-11-30T08:00:00.000Z', now.verdicts, 'c', 'm2'),
      ],
      { ...now, method: 'm2' },
    )
    expect(text).toContain('Verification req/s ≥ peer is missed now, met in 2 of the 3 earlier runs (1 with other measuring code)')
    expect(text).toContain('every other target kept its verdict')
  })
})

describe('the report around the ledger, on the committed results of a full run', () => {
  const saved = JSON.parse(readFileSync(path.join(import.meta.dirname, '..', 'results.json'), 'utf8')) as BenchResults

  it('gives every target a distinct id with a short name, so no verdict overwrites another in the ledger', () => {
    const ids = targets(saved).map((t) => t.id)
    expect(ids.length).toBeGreaterThanOrEqual(10)
    expect(new Set(ids).size).toBe(ids.length)
    for (const id of ids) expect(Object.keys(TARGET_NAMES)).toContain(id)
  })

  it('adds the day-apart line and section h only when given the ledger', () => {
    const withLedger = writeReport(saved, [run('2026-11-20T10:00:00.000Z', { 'heap-flat': 'miss' }, 'old', 'm0')])
    expect(withLedger).toContain('**A day apart:** **1 of 1 verdicts differ** from the run of 2026-11-20 10:00 UTC')
    expect(withLedger).toContain('JS heap flat: missed → met')
    expect(withLedger).toContain('## h. Verdicts across runs')
    const without = writeReport(saved)
    expect(without).not.toContain('A day apart')
    expect(without).not.toContain('## h.')
  })

  it('calls a target whose measurement failed inconclusive, not missed', () => {
    expect(judged(Number.NaN, () => false)).toBeUndefined()
    expect(judged(1.3, (v) => v <= 1.25)).toBe(false)
    expect(judged(1.2, (v) => v <= 1.25)).toBe(true)
    const broken = structuredClone(saved)
    for (const l of broken.lean!.latencies) for (const rd of l.rounds) for (const r of Object.values(rd.resets)) Object.assign(r!, { serverCpuMsPerReset: Number.NaN })
    expect(targets(broken).find((t) => t.id === 'cpu-per-reset')?.ok).toBeUndefined()
  })

  it('adds up every process on the machine per reset', () => {
    const r = { serverCpuMsPerReset: 7, standInCpuMsPerReset: 3, rangeCpuMsPerReset: 1.5, loadGeneratorCpuMsPerReset: 4 } as ResetRun
    expect(allProcessesPerReset(r)).toBe(15.5)
    expect(allProcessesPerReset({ ...r, rangeCpuMsPerReset: undefined })).toBe(14)
  })
})

