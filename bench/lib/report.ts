/**
 * Turns results.json into bench/RESULTS.md: a summary of targets with pass/miss, one table per section
 * (medians with min–max over the runs, ratios to the baseline), and findings derived from the numbers.
 */
import { findings } from './findings'
import { compareSections, compareTargets, devSection } from './report-compare'
import { fmt, fmtSummary, type Summary } from './stats'
import { STEPS } from './flow'
import type { BenchResults } from './types'
import { verdictSection, verdictSummary } from './report-verdicts'
import { ledgerEntry, type LedgerEntry } from './verdicts'

const PASS = 'pass'
const MISS = '**miss**'
const mark = (ok: boolean) => (ok ? PASS : MISS)
const k = (bytes: number) => fmt(bytes / 1024, 1)

export interface TargetRow {
  /** Stable across runs (the wording carries numbers that may change): the key of the verdict ledger. */
  readonly id: string
  readonly target: string
  readonly measured: string
  /** undefined: the evidence disagrees with itself (said in `measured`). */
  readonly ok: boolean | undefined
}

export function targets(r: BenchResults): TargetRow[] {
  const rows: TargetRow[] = []
  if (r.bundle) {
    rows.push({
      id: 'bundle',
      target: `(earlier target) Bundle: ours within ${r.bundle.targetGzipKiB} KiB gzip of the baseline`,
      measured: `${signed(r.bundle.deltaGzipKiB)} KiB gzip (${k(r.bundle.ours.gzipBytes)} vs ${k(r.bundle.baseline.gzipBytes)})`,
      ok: r.bundle.deltaGzipKiB <= r.bundle.targetGzipKiB,
    })
    const l = r.bundle.languages
    if (l) {
      rows.push({
        id: 'languages',
        target: `Languages: all six add at most ${l.budgetKiB} KiB gzip to the script`,
        measured: `${signed(l.growthKiB)} KiB gzip over ${l.baseRevision} (${k(l.baseGzipBytes)} → ${k(l.oursGzipBytes)} KiB); the translations are assets beside the script (${k(l.assets.reduce((a, x) => a + x.gzipBytes, 0))} KiB gzip for ${l.assets.length})`,
        ok: l.growthKiB <= l.budgetKiB,
      })
    }
  }
  if (r.startup) {
    rows.push({
      id: 'startup',
      target: `(earlier target) Start-up CPU ≤ ${r.startup.targetRatio}× the baseline`,
      measured: `${fmt(r.startup.ratio, 2)}× (${fmt(r.startup.netMs.ours.median, 2)} vs ${fmt(r.startup.netMs.baseline.median, 2)} ms, medians; fastest runs ${fmt(r.startup.ratioOfMins, 2)}×)${(r.startup.ratio <= r.startup.targetRatio) !== (r.startup.ratioOfMins <= r.startup.targetRatio) ? '; medians and fastest runs disagree: re-run on a quieter machine' : ''}`,
      ok:
        Number.isFinite(r.startup.ratio) && Number.isFinite(r.startup.ratioOfMins) && (r.startup.ratio <= r.startup.targetRatio) === (r.startup.ratioOfMins <= r.startup.targetRatio)
          ? r.startup.ratio <= r.startup.targetRatio
          : undefined,
    })
  }
  if (r.roundTrips) {
    const steady = r.roundTrips.ours.perFlow.at(-1)
    const first = r.roundTrips.ours.perFlow[0]
    if (steady && first) {
      const want: Record<string, number> = { 'POST forgot': 1, 'POST confirm': 1, 'GET update': 0, 'POST update': 1 }
      const got = Object.keys(want).map((s) => steady[s as keyof typeof steady].count)
      const jwks = r.roundTrips.ours.perFlow.flatMap((f) => STEPS.flatMap((s) => f[s].calls)).filter((c) => c.includes('jwks')).length
      rows.push({
        id: 'round-trips',
        target: 'Round trips: forgot 1, confirm 1, update page 0, update submit 1 (+1 JWKS per isolate)',
        measured: `${got.join(', ')} (+${jwks} JWKS over ${r.roundTrips.ours.flows} flows in one isolate)`,
        ok: got.every((v, i) => v === Object.values(want)[i]) && jwks <= 1 && r.roundTrips.ours.errors.length === 0,
      })
    }
  }
  rows.push(...compareTargets(r))
  if (r.concurrency) {
    const c = r.concurrency
    rows.push({
      id: 'concurrent-resets-correct',
      target: `${c.flows} complete resets, ${c.concurrency} at a time: 0 errors, each password changed exactly once, no foreign session cookie`,
      measured: `${c.errors} errors; ${c.passwordUpdates} password updates, new password works for ${c.newPasswordWorks}, old refused for ${c.oldPasswordRefused}; ${c.foreignSessionCookies} foreign of ${c.sessionCookiesChecked} session cookies`,
      ok:
        c.errors === 0 &&
        c.passwordUpdates === c.flows &&
        c.newPasswordWorks === c.flows &&
        c.oldPasswordRefused === c.flows &&
        c.foreignSessionCookies === 0,
    })
  }
  return rows
}

/** `ledger`: the verdicts of earlier full runs (bench/verdicts.json); compared with this run's when given. */
export function writeReport(r: BenchResults, ledger?: readonly LedgerEntry[]): string {
  const out: string[] = []
  const m = r.meta
  out.push('# Benchmark results', '')
  out.push(
    `Written by \`npm run bench\` (bench/run.ts) on ${m.date.slice(0, 16).replace('T', ' ')} UTC, commit \`${m.commit}\`${m.dirty ? ' with uncommitted changes to src/' : ''}, in ${fmt(m.durationS, 0)} s.`,
    `Machine: ${m.cpus} cores, ${m.cpuModel}; Node ${m.node}${m.peer ? `, Express ${m.peer.express} for the peer` : ''}; wrangler ${m.wrangler}. Load average (1/5/15 min) before ${m.loadAverageBefore.join(' / ')}, after ${m.loadAverageAfter.join(' / ')}. The machine is shared (other agents run test suites on it at the same time), so absolute numbers are noisy and do not reproduce across runs or machines; the verdicts rest on ratios taken within a round, where both sides saw the same load.`,
    `Raw numbers: [results.json](results.json). How each number is taken, and caveats: [README.md](README.md).`,
  )
  if (m.quick) out.push('', '> **Smoke run (`--quick`)**: one short run per cell. Not results.')
  out.push('', '"Median (min–max)" is over the rounds (or runs). *Ours* is the Worker in src/; *baseline* is bench/baseline/ (bare Hono + `@supabase/ssr`, the same Supabase call per route, plain-text answers, no checks); *peer* is bench/peer/, the Express 5 server a team would write from Supabase\'s server-side guides (see bench/peer/README.md).', '')

  out.push('## Targets', '', '| Target | Measured | |', '| --- | --- | --- |')
  const rows = targets(r)
  for (const t of rows) out.push(`| ${t.target} | ${t.measured} | ${t.ok === undefined ? 'inconclusive' : mark(t.ok)} |`)
  out.push('')
  const current = ledger && ledgerEntry(r, rows)
  if (ledger && current) out.push(verdictSummary(ledger, current), '')

  const f = findings(r)
  if (f.length) out.push('## Why the misses, and what would fix them', '', ...f, '')

  if (r.bundle) bundleSection(r, out)
  if (r.startup) startupSection(r, out)
  if (r.roundTrips) roundTripSection(r, out)
  compareSections(r, out)
  if (r.concurrency) concurrencySection(r, out)
  devSection(r, out)
  if (r.requestProfiles || r.resetProfiles) out.push('## g. Where the CPU goes', '')
  if (r.resetProfiles) resetProfileTable(r, out)
  if (r.requestProfiles) requestProfileTable(r, out)
  if (ledger && current) verdictSection(ledger, current, out)
  return `${out.join('\n')}\n`
}

function bundleSection(r: BenchResults, out: string[]) {
  const b = r.bundle!
  out.push('## a. Bundle size', '')
  out.push('`wrangler deploy --dry-run --minify --outdir …` for each Worker (`--config`), then the modules wrangler wrote: raw bytes and zlib gzip (what wrangler reports as "Total Upload"). A build is deterministic, so there is one measurement, not a median.', '')
  out.push('| Worker | raw KiB | gzip KiB | wrangler printed |', '| --- | ---: | ---: | --- |')
  for (const side of [b.ours, b.baseline]) out.push(`| ${side.worker} | ${k(side.rawBytes)} | ${k(side.gzipBytes)} | ${side.wranglerLine} |`)
  out.push(`| **ours − baseline** | ${signed(b.deltaRawKiB)} | ${signed(b.deltaGzipKiB)} | target ≤ +${b.targetGzipKiB} KiB gzip: ${mark(b.deltaGzipKiB <= b.targetGzipKiB)} |`, '')
  if (b.languages) {
    const l = b.languages
    out.push(`**Languages.** Ours against ${l.baseRevision} (main just before the six languages), built the same way: ${k(l.baseGzipBytes)} → ${k(l.oursGzipBytes)} KiB gzip, **${signed(l.growthKiB)} KiB** (budget ${l.budgetKiB} KiB: ${mark(l.growthKiB <= l.budgetKiB)}; the comparison includes whatever else changed since). English is in the script; the other catalogues are static assets the Worker reads through its ASSETS binding, once per isolate and language:`, '')
    out.push('| Asset | raw KiB | gzip KiB |', '| --- | ---: | ---: |')
    for (const a of l.assets) out.push(`| assets/i18n/${a.locale}.json | ${k(a.rawBytes)} | ${k(a.gzipBytes)} |`)
    out.push('')
  }
  out.push('Where the bytes are (esbuild metafile `bytesInOutput`, minified; gzip is an estimate: each group\'s output, found through the source map, gzipped alone and scaled so the groups add up to the real gzip size). Largest differences first:', '')
  out.push('| Group | ours KiB | baseline KiB | Δ KiB | ours gzip KiB (est.) | Δ gzip KiB (est.) |', '| --- | ---: | ---: | ---: | ---: | ---: |')
  const groups = [...new Set([...Object.keys(b.ours.bytesByGroup), ...Object.keys(b.baseline.bytesByGroup)])]
  const rows = groups
    .map((g) => ({
      g,
      o: b.ours.bytesByGroup[g] ?? 0,
      base: b.baseline.bytesByGroup[g] ?? 0,
      og: b.ours.gzipByGroup[g] ?? 0,
      bg: b.baseline.gzipByGroup[g] ?? 0,
    }))
    .sort((x, y) => y.og - y.bg - (x.og - x.bg))
  for (const row of rows.filter((x) => Math.abs(x.og - x.bg) >= 100 || Math.abs(x.o - x.base) >= 512)) {
    out.push(`| ${row.g} | ${k(row.o)} | ${k(row.base)} | ${signed((row.o - row.base) / 1024)} | ${k(row.og)} | ${signed((row.og - row.bg) / 1024)} |`)
  }
  const shared = rows.filter((x) => Math.abs(x.og - x.bg) < 100 && Math.abs(x.o - x.base) < 512)
  out.push(`| (${shared.length} groups the same in both, e.g. @supabase/*) | ${k(shared.reduce((a, x) => a + x.o, 0))} | ${k(shared.reduce((a, x) => a + x.base, 0))} | | ${k(shared.reduce((a, x) => a + x.og, 0))} | |`, '')
}

function startupSection(r: BenchResults, out: string[]) {
  const s = r.startup!
  out.push('## b. Start-up CPU', '')
  out.push(`Each run loads the minified bundle into a fresh workerd isolate (Miniflare, wrangler's own copy) whose first request does \`await import('./worker.js')\`, as \`wrangler check startup\` does, and reads the kernel's CPU time of every workerd thread over that request (\`/proc/<pid>/task/*/schedstat\`). The control is the same with an empty module; "net" subtracts the control's median. ${s.runs} runs, each measuring ours, the baseline and the control back to back (order alternating). The ratio is of the medians; as a check, the ratio of the fastest runs (other work on the machine only ever adds CPU time) is ${fmt(s.ratioOfMins, 2)}×.`, '')
  out.push('| | CPU ms, median (min–max) | net of control, ms | ratio to baseline |', '| --- | ---: | ---: | ---: |')
  out.push(`| ours | ${fmtSummary(s.rawMs.ours, 2)} | ${fmtSummary(s.netMs.ours, 2)} | **${fmt(s.ratio, 2)}×** (target ≤ ${s.targetRatio}×: ${mark(s.ratio <= s.targetRatio)}) |`)
  out.push(`| baseline | ${fmtSummary(s.rawMs.baseline, 2)} | ${fmtSummary(s.netMs.baseline, 2)} | 1 |`)
  out.push(`| control (empty module) | ${fmtSummary(s.rawMs.control, 2)} | | |`, '')
  out.push('Which parts cost the most: each row is a tiny Worker that loads one piece of ours alone (bundled by esbuild like wrangler does; src/ modules through a side-effect import), measured the same way, net of the control. Pieces share dependencies (hono/jsx, zod/mini), so rows overlap and do not add up to the total.', '')
  const isWhatIf = (id: string) => id === 'ours' || id === 'baseline' || id.startsWith('ours-')
  out.push('| Piece | pulls in | KiB | gzip KiB | start-up CPU ms, net (min–max) |', '| --- | --- | ---: | ---: | ---: |')
  for (const e of [...s.experiments].filter((x) => !isWhatIf(x.id)).sort((a, b) => b.netMs.median - a.netMs.median)) {
    out.push(`| ${e.what} | ${e.includes.join(', ') || '–'} | ${fmt(e.bundleKiB)} | ${fmt(e.gzipKiB)} | ${fmtSummary(e.netMs, 2)} |`)
  }
  out.push('', 'What-ifs: all of ours built the same way, with one set of modules replaced by do-nothing stubs (their code leaves the bundle and costs nothing at load; our modules still evaluate). The difference to the first row is what that set costs, in bytes and in start-up; a hand-written replacement would add a little back.', '')
  out.push('| Build | KiB | gzip KiB | gzip vs baseline | start-up CPU ms, net (min–max) |', '| --- | ---: | ---: | ---: | ---: |')
  const baselineRow = s.experiments.find((x) => x.id === 'baseline')
  for (const e of s.experiments.filter((x) => isWhatIf(x.id))) {
    out.push(`| ${e.what} | ${fmt(e.bundleKiB)} | ${fmt(e.gzipKiB)} | ${baselineRow ? signed(e.gzipKiB - baselineRow.gzipKiB) : ''} | ${fmtSummary(e.netMs, 2)} |`)
  }
  out.push('')
  out.push(`And from V8 CPU profiles (50 µs sampling, ${s.attribution.ours.profiles} profiles per Worker, unminified builds so that lines map to sources): inclusive share of the profiled start-up by package. The profiler's clock is wall time, so these are shares, not CPU; profiled active time was ${fmtSummary(s.profiledActiveMs.ours)} ms for ours and ${fmtSummary(s.profiledActiveMs.baseline)} ms for the baseline.`, '')
  out.push('| Package or part | ours, share of profile | baseline, share of profile |', '| --- | ---: | ---: |')
  const share = (rec: Record<string, number>) => {
    const total = Object.entries(rec).filter(([g]) => g.startsWith('(') === false).reduce((a, [, v]) => a + v, 0) || 1
    return (g: string) => (rec[g] ?? 0) / total
  }
  const o = share(s.attribution.ours.inclusiveMs)
  const b = share(s.attribution.baseline.inclusiveMs)
  const groups = [...new Set([...Object.keys(s.attribution.ours.inclusiveMs), ...Object.keys(s.attribution.baseline.inclusiveMs)])].filter((g) => !g.startsWith('('))
  for (const g of groups.sort((x, y) => o(y) - o(x)).slice(0, 12)) out.push(`| ${g} | ${fmt(100 * o(g), 0)} % | ${fmt(100 * b(g), 0)} % |`)
  out.push('')
}

function roundTripSection(r: BenchResults, out: string[]) {
  const rt = r.roundTrips!
  out.push('## c. Round trips to the auth server per step', '')
  out.push('Counted from the stand-in\'s request log (`GET /__local/requests`, cleared with `DELETE` after each step). Flows run one after another on a freshly started Worker: flow 1 is the first in its isolate (it pays the JWKS fetch), the last flow shows the steady state. Our forgot-password POST calls Supabase after answering (waitUntil), so that step is counted once the email has arrived.', '')
  const want: Record<string, string> = { 'GET forgot': '0', 'POST forgot': '1', 'GET confirm': '0', 'POST confirm': '1', 'GET update': '0', 'POST update': '1' }
  out.push('| Step | ours, flow 1 | ours, steady | baseline, flow 1 | baseline, steady | target | |', '| --- | --- | --- | --- | --- | ---: | --- |')
  for (const step of STEPS) {
    const cell = (worker: 'ours' | 'baseline', index: number) => {
      const c = rt[worker].perFlow.at(index)?.[step]
      return c ? `${c.count}${c.calls.length ? ` (${c.calls.join(', ')})` : ''}` : 'n/a'
    }
    const steady = rt.ours.perFlow.at(-1)?.[step]?.count
    out.push(`| ${step} | ${cell('ours', 0)} | ${cell('ours', -1)} | ${cell('baseline', 0)} | ${cell('baseline', -1)} | ${want[step]} | ${mark(String(steady) === want[step])} |`)
  }
  for (const worker of ['ours', 'baseline'] as const) if (rt[worker].errors.length) out.push('', `Errors (${worker}): ${rt[worker].errors.join('; ')}`)
  out.push('')
}

function resetProfileTable(r: BenchResults, out: string[]) {
  const p = r.resetProfiles!
  out.push(`Over whole resets: V8 CPU profiles (100 µs sampling) of each Worker's isolate, unminified build served lean with an inspector, over ${p.ours.requests} complete resets run one at a time after 20 to warm up; share of non-idle samples by package (source map). "(runtime: console.log)" is the native called by our request log. The profiler's clock is wall time and the inspector is attached, so these are shares within one Worker, not CPU to compare across Workers (section d has that).`, '')
  out.push('| Package or part | ours | baseline |', '| --- | ---: | ---: |')
  const groups = new Map<string, number>()
  for (const prof of [p.ours, p.baseline]) for (const [g, v] of Object.entries(prof.byGroup)) groups.set(g, Math.max(groups.get(g) ?? 0, v))
  const pct = (v: number | undefined) => (v ? `${fmt(100 * v, 1)} %` : '–')
  for (const [g] of [...groups].filter(([, v]) => v >= 0.005).sort((a, b) => b[1] - a[1])) out.push(`| ${g} | ${pct(p.ours.byGroup[g])} | ${pct(p.baseline.byGroup[g])} |`)
  out.push('', 'Hottest functions in ours over a reset (self time): ' + Object.entries(p.ours.topFunctions).slice(0, 14).map(([f, v]) => `${f} ${fmt(100 * v, 1)} %`).join('; ') + '.', '')
}

function requestProfileTable(r: BenchResults, out: string[]) {
  const p = r.requestProfiles!
  out.push(`Where a request's CPU goes: V8 CPU profiles (100 µs sampling) of each Worker's unminified build in a lean Miniflare (no wrangler proxy, no auth server), ${p.ours[0]?.requests ?? '?'} sequential requests after a warm-up, share of non-idle samples by package (function start positions mapped through the source map).`, '')
  const paths = p.ours.map((x) => x.path)
  out.push(`| Package or part | ${paths.map((x) => `ours ${x.split('?')[0]}`).join(' | ')} | ${paths.map((x) => `baseline ${x.split('?')[0]}`).join(' | ')} |`)
  out.push(`| --- | ${paths.map(() => '---:').join(' | ')} | ${paths.map(() => '---:').join(' | ')} |`)
  const groups = new Map<string, number>()
  for (const prof of [...p.ours, ...p.baseline]) for (const [g, v] of Object.entries(prof.byGroup)) groups.set(g, Math.max(groups.get(g) ?? 0, v))
  const pct = (v: number | undefined) => (v ? `${fmt(100 * v, 1)} %` : '–')
  for (const [g] of [...groups].filter(([, v]) => v >= 0.005).sort((a, b) => b[1] - a[1])) {
    out.push(`| ${g} | ${p.ours.map((x) => pct(x.byGroup[g])).join(' | ')} | ${p.baseline.map((x) => pct(x.byGroup[g])).join(' | ')} |`)
  }
  out.push('', `Hottest functions in ours, ${paths[0]?.split('?')[0]}: ` + Object.entries(p.ours[0]?.topFunctions ?? {}).slice(0, 10).map(([f, v]) => `${f} ${fmt(100 * v, 1)} %`).join('; ') + '.', '')
}

function concurrencySection(r: BenchResults, out: string[]) {
  const c = r.concurrency!
  out.push('## e. Correctness under concurrency: complete resets', '')
  out.push(`${c.flows} users, each created in the stand-in with an old password, then ${c.concurrency} at a time go through the whole reset against our Worker (lean runtime, stand-in latency 0), each from its own client IP: GET the form → POST the email → read the email through the stand-in's Mailpit API → GET the link (interstitial) → POST confirm → GET the new-password form → POST the new password. Afterwards every user signs in through the stand-in with the new password (must work) and the old one (must fail); every Set-Cookie of every response is decoded (\`sb-…-auth-token\`, chunks joined, \`base64-\` + base64url JSON) and its \`user.email\` and access-token \`email\` compared with the flow's own user.`, '')
  out.push('| Check | Result | |', '| --- | --- | --- |')
  out.push(`| Flows completed without error | ${c.ok} of ${c.flows} (${c.errors} errors) | ${mark(c.errors === 0)} |`)
  out.push(`| Password updates seen by the auth server (\`PUT /auth/v1/user\`) | ${c.passwordUpdates} | ${mark(c.passwordUpdates === c.flows)} |`)
  out.push(`| New password signs in | ${c.newPasswordWorks} of ${c.flows} | ${mark(c.newPasswordWorks === c.flows)} |`)
  out.push(`| Old password refused | ${c.oldPasswordRefused} of ${c.flows} | ${mark(c.oldPasswordRefused === c.flows)} |`)
  out.push(`| Session cookies carrying another user's session | ${c.foreignSessionCookies} of ${c.sessionCookiesChecked} checked | ${mark(c.foreignSessionCookies === 0)} |`)
  out.push(`| Time | ${fmt(c.seconds)} s, ${fmt(c.flowsPerSecond)} flows/s; one flow p50 ${fmt(c.flowMs.p50, 0)} ms, p99 ${fmt(c.flowMs.p99, 0)} ms | |`, '')
  out.push('Auth-server calls during the run: ' + Object.entries(c.upstream).map(([k2, v]) => `${k2} ×${v}`).join(', ') + '.', '')
  out.push('Step latency with 50 flows in flight (ms): ' + Object.entries(c.stepMs).map(([s, v]) => `${s} p50 ${fmt(v.p50, 0)} / p99 ${fmt(v.p99, 0)}`).join('; ') + '.', '')
  if (c.errorExamples.length) out.push('Errors (first 10): ' + c.errorExamples.join('; '), '')
  if (c.foreignExamples.length) out.push('Foreign session cookies (first 5): ' + c.foreignExamples.join('; '), '')
}

export const signed = (v: number, digits = 1) => (Number.isFinite(v) ? `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(digits)}` : 'n/a')
export type { Summary }
