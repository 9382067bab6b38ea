/**
 * `npm run bench:limits` (npx tsx bench/limits.ts): 1,000 password resets, 50 at a time, each person
 * from their own address, through the Worker against the stand-in with a hosted project's limits, with
 * and without IP forwarding (SUPABASE_SECRET_KEY + Sb-Forwarded-For). Prints completed resets, limit
 * pages, emails Supabase refused, and lost resets (must be 0), and writes bench/limits/RESULTS.md.
 * Options: --flows N (1000), --concurrency N (50), --only name,name.
 */
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { REPO_ROOT } from '../scripts/stack'
import { runScenario, type ScenarioOptions, type ScenarioResult } from './limits/scenario'

const { values } = parseArgs({
  options: { flows: { type: 'string', default: '1000' }, concurrency: { type: 'string', default: '50' }, only: { type: 'string' } },
})
const flows = Number(values.flows)
const concurrency = Number(values.concurrency)

/** Per-IP buckets as hosted (30 per 5 min, burst 30; /token 150), the email budget raised as a custom-SMTP project can. */
const RAISED_BUDGET = { emailsPerHour: 100_000 }
const scenarios: ScenarioOptions[] = [
  { name: 'no-forwarding', flows, concurrency, secretKey: false, limits: { ...RAISED_BUDGET } },
  { name: 'forwarding', flows, concurrency, secretKey: true, limits: { ...RAISED_BUDGET, sbForwardedFor: true } },
  { name: 'no-forwarding-links-sent-earlier', flows, concurrency, secretKey: false, limits: { ...RAISED_BUDGET }, linksSentEarlier: true },
  { name: 'forwarding-links-sent-earlier', flows, concurrency, secretKey: true, limits: { ...RAISED_BUDGET, sbForwardedFor: true }, linksSentEarlier: true },
  { name: 'forwarding-default-email-budget', flows, concurrency, secretKey: true, limits: { sbForwardedFor: true } },
]
const chosen = values.only ? scenarios.filter((s) => values.only!.split(',').includes(s.name)) : scenarios

const describe: Record<string, string> = {
  'no-forwarding': 'publishable key only: every call reaches Supabase from the Worker\'s one address; email budget raised',
  forwarding: 'SUPABASE_SECRET_KEY set, IP address forwarding on: each person\'s own buckets; email budget raised',
  'no-forwarding-links-sent-earlier': 'no forwarding; everyone already has a link (sent over the past hours), so only confirm and new password run',
  'forwarding-links-sent-earlier': 'forwarding; everyone already has a link: only confirm and new password run',
  'forwarding-default-email-budget': 'as forwarding, with the default email budget of a custom-SMTP project (30 an hour)',
}

const results: ScenarioResult[] = []
for (const scenario of chosen) {
  process.stdout.write(`${scenario.name}: ${scenario.flows} resets, ${scenario.concurrency} at a time … `)
  const result = await runScenario(scenario)
  results.push(result)
  process.stdout.write(`${result.seconds} s\n`)
}

const fmt = (record: Record<string, number>) => Object.entries(record).map(([k, v]) => `${k} ${v}`).join(', ') || '—'
const lines = [
  '# Supabase\'s limits under load',
  '',
  `\`npm run bench:limits\`: ${flows} password resets, ${concurrency} at a time, each from its own client address`,
  '(CF-Connecting-IP), through the Worker under `wrangler dev`, against the stand-in with a hosted project\'s',
  'per-IP limits (`HOSTED_LIMITS`: 30 per 5 min with a burst of 30 on /recover, /verify and PUT /user; 150 on /token).',
  'A limit page is a 429 with Retry-After; an email refused is one Supabase answered 429 to, where the person saw',
  '"Check your email" (as for any address) and the Worker logged `reset_email_refused`; lost is anything else.',
  '',
  'Limit pages are then submitted again once the limit has passed (the stand-in\'s limits switched off):',
  '"finished after waiting" counts those that completed, proving nothing was spent.',
  '',
  '"dev-server errors" are answers the Worker\'s code did not produce (no CSP header, which every answer of ours carries:',
  'wrangler dev\'s own 503s when the shared 2-core machine is overloaded); they are reported apart from lost, with a sample.',
  '',
  '| scenario | completed | limit pages (step) | finished after waiting | emails refused (Supabase code) | lost | dev-server errors | time |',
  '|---|---|---|---|---|---|---|---|',
  ...results.map((r) =>
    `| ${r.name}: ${describe[r.name]} | ${r.outcomes.completed} | ${r.outcomes.limit_page} (${fmt(r.limitPagesByStep)}) | ${r.completedAfterWaiting} | ${r.outcomes.email_refused} (${fmt(r.refusedByCode)}) | **${r.outcomes.lost}** | ${r.outcomes.dev_server_error} | ${r.seconds} s |`,
  ),
  '',
]
for (const r of results) if (r.lostReasons.length) lines.push(`Lost in ${r.name}: ${r.lostReasons.join('; ')}`, '')
for (const r of results) if (r.devServerErrors.length) lines.push(`Dev-server errors in ${r.name}, e.g.: ${r.devServerErrors.join('; ')}`, '')
const report = lines.join('\n')
process.stdout.write(`\n${report}\n`)
if (!values.only && flows === 1000 && concurrency === 50) writeFileSync(path.join(REPO_ROOT, 'bench', 'limits', 'RESULTS.md'), report)
const lost = results.reduce((sum, r) => sum + r.outcomes.lost, 0)
process.exitCode = lost === 0 ? 0 : 1
