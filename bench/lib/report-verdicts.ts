/**
 * RESULTS.md's view of the verdict ledger: one line under the targets saying whether this run's verdicts
 * match a run at least 24 hours older (and the runs of the 24 hours before), and section h, the verdicts
 * of the last runs side by side.
 */
import { fmt } from './stats'
import { dayApart, hoursBetween, sameCodeDue, TARGET_NAMES, withinADay, type Agreement, type LedgerEntry, type Verdict } from './verdicts'

/** Runs shown side by side in section h. */
const SHOWN_RUNS = 8

const when = (e: { readonly date: string }) => `${e.date.slice(0, 16).replace('T', ' ')} UTC`
const name = (id: string) => TARGET_NAMES[id] ?? id
const VERDICT_TEXT: Record<Verdict, string> = { pass: 'met', miss: 'missed', inconclusive: 'inconclusive' }

function methodNote(a: Agreement): string {
  if (a.sameMethod === undefined) return ''
  if (a.sameMethod) return `, same measuring code \`${a.earlier.method}\``
  return `; the bench's measuring code changed in between (\`${a.earlier.method}\` → now)${a.changed.length ? ', so a flip may be the method\'s' : ''}`
}

function described(a: Agreement): string {
  const judged = a.same.length + a.changed.length
  const head = `the run of ${when(a.earlier)} (commit \`${a.earlier.commit}\`, ${fmt(a.hoursApart, 1)} h earlier${methodNote(a)})`
  if (a.changed.length === 0) return `same verdicts as ${head} on all ${judged} targets both judged`
  const flips = a.changed.map((c) => `${name(c.id)}: ${VERDICT_TEXT[c.then]} → ${VERDICT_TEXT[c.now]}`).join('; ')
  return `**${a.changed.length} of ${judged} verdicts differ** from ${head}: ${flips}`
}

/** The runs of the 24 hours before, summarised by target: which verdicts moved, in how many of them, and whether the measuring code differed. */
function withinADaySummary(today: readonly Agreement[]): string {
  const flipped = new Map<string, { from: Map<Verdict, number>; now: Verdict; otherMethod: number }>()
  for (const a of today) {
    for (const c of a.changed) {
      const f = flipped.get(c.id) ?? { from: new Map<Verdict, number>(), now: c.now, otherMethod: 0 }
      f.from.set(c.then, (f.from.get(c.then) ?? 0) + 1)
      if (a.sameMethod === false) f.otherMethod++
      flipped.set(c.id, f)
    }
  }
  if (flipped.size === 0) return `In the 24 hours before: all ${today.length} runs on record gave the same verdicts on every target both judged.`
  const parts = [...flipped].map(([id, f]) => {
    const from = [...f.from].map(([v, n]) => `${VERDICT_TEXT[v]} in ${n}`).join(', ')
    const method = f.otherMethod ? ` (${f.otherMethod === [...f.from.values()].reduce((x, y) => x + y, 0) ? 'all' : f.otherMethod} with other measuring code)` : ''
    return `${name(id)} is ${VERDICT_TEXT[f.now]} now, ${from} of the ${today.length} earlier runs${method}`
  })
  return `In the 24 hours before: ${parts.join('; ')}; every other target kept its verdict.`
}

function earlierRuns(ledger: readonly LedgerEntry[], current: LedgerEntry): string {
  const n = ledger.filter((e) => e.date < current.date).length
  return n === 0 ? 'this is the first run in the ledger' : `the ledger holds ${n} earlier run${n > 1 ? 's' : ''}, all less than 24 h before this one`
}

/** When the comparison that counts (same measuring code, 24 h apart) is not possible yet: from when it is. */
function dueNote(ledger: readonly LedgerEntry[], current: LedgerEntry): string {
  const due = sameCodeDue(ledger, current)
  if (!due) return ''
  const since = due.first.date === current.date ? 'this run is the first with it' : `the first with it, of ${when(due.first)}, is ${fmt(hoursBetween(due.first, current), 1)} h older`
  return ` No run with this measuring code (\`${current.method}\`) is 24 h older yet (${since}): a full run from ${when({ date: due.from })} on gives that comparison.`
}

/** The paragraph under the targets table. */
export function verdictSummary(ledger: readonly LedgerEntry[], current: LedgerEntry): string {
  const apart = dayApart(ledger, current)
  const today = withinADay(ledger, current)
  const parts: string[] = []
  parts.push(
    (apart
      ? `**A day apart:** ${described(apart)}${apart.onlyOne.length ? `; not yet compared across days, because only one of the two runs judged them: ${apart.onlyOne.map(name).join(', ')}` : ''}.`
      : `**A day apart:** no run 24 h or more before this one is on record yet (${earlierRuns(ledger, current)}).`) + dueNote(ledger, current),
  )
  if (today.length) parts.push(withinADaySummary(today))
  return `${parts.join(' ')} Every full run's verdicts: section h and [verdicts.json](verdicts.json).`
}

/** Section h: the verdicts of the last runs, one column per run, newest last. */
export function verdictSection(ledger: readonly LedgerEntry[], current: LedgerEntry, out: string[]) {
  const runs = [...ledger.filter((e) => e.date < current.date), current].slice(-SHOWN_RUNS)
  const ids = [...new Set(runs.flatMap((e) => Object.keys(e.verdicts)))]
  ids.sort((a, b) => order(a) - order(b))
  out.push('## h. Verdicts across runs', '')
  out.push(
    `The verdicts of the last ${runs.length} full runs (\`npm run bench\` without --quick or --only), oldest first; every run is in [verdicts.json](verdicts.json), written by each full run. "–" is a target that run did not judge (it did not exist yet, or that run's section gave no number for it). Runs before the ledger existed were read back from results.json as committed at the time and judged by today's rules. The measuring-code row names the last commit that changed how the numbers are taken (the bench outside its report, the baseline, the peer, the stand-ins): a verdict that flips where it changes may be the method's doing.`,
    '',
  )
  out.push(`| Target | ${runs.map((e) => `${when(e)} \`${e.commit}\``).join(' | ')} |`, `| --- |${runs.map(() => ' :---: |').join('')}`)
  for (const id of ids) out.push(`| ${name(id)} | ${runs.map((e) => (e.verdicts[id] ? VERDICT_TEXT[e.verdicts[id]] : '–')).join(' | ')} |`)
  out.push(`| Measuring code (last commit to it) | ${runs.map((e) => (e.method ? `\`${e.method}\`` : '?')).join(' | ')} |`)
  out.push(`| Load average before (1 min) | ${runs.map((e) => fmt(e.loadAverage[0] ?? Number.NaN, 2)).join(' | ')} |`, '')
}

const ORDER = Object.keys(TARGET_NAMES)
const order = (id: string) => (ORDER.includes(id) ? ORDER.indexOf(id) : ORDER.length)
