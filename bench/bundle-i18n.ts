/**
 * `npm run bench:i18n`: what the six languages cost the deployed Worker script (issue 12's budget: at
 * most 12 KiB gzip), alone and in a minute: section a's languages measurement of `npm run bench`
 * (lib/languages.ts), printed. The translations themselves are static assets beside the script (read
 * through the ASSETS binding); their sizes are printed too, so the whole cost is on the table.
 * Numbers only; it fails nothing. Options: --base <git revision> (default: main just before languages).
 */
import { parseArgs } from 'node:util'
import { LANGUAGES_BASE_REVISION, measureLanguages } from './lib/languages'

const { values } = parseArgs({ options: { base: { type: 'string', default: LANGUAGES_BASE_REVISION } } })
const kib = (bytes: number) => `${(bytes / 1024).toFixed(2)} KiB`

const r = await measureLanguages(undefined, values.base)
console.log(`script before (${r.baseRevision}): ${kib(r.baseGzipBytes)} gzip`)
console.log(`script now:                 ${kib(r.oursGzipBytes)} gzip`)
console.log(`growth: ${r.growthKiB.toFixed(2)} KiB gzip (budget ${r.budgetKiB} KiB: ${r.growthKiB <= r.budgetKiB ? 'within' : 'OVER'})`)
console.log('translations, as static assets (assets/i18n/, not in the script):')
for (const a of r.assets) console.log(`  ${a.locale}.json: ${kib(a.rawBytes)} raw, ${kib(a.gzipBytes)} gzip`)
console.log(`  together: ${kib(r.assets.reduce((sum, a) => sum + a.gzipBytes, 0))} gzip; an isolate reads one the first time a page needs that language`)
