/**
 * `npm run i18n:build`: writes each translation in src/i18n/messages/ to assets/i18n/<locale>.json, the
 * static asset the Worker reads through its ASSETS binding (src/i18n/catalogues.ts). English stays in the
 * script as the source and the fallback. Run it after editing a catalogue; `npm test` fails while the
 * assets and the catalogues differ (test/i18n-assets.unit.test.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { catalogueAssetPath } from '../src/i18n/catalogues'
import { TRANSLATIONS } from './catalogue-sources'

const ROOT = path.resolve(import.meta.dirname, '..')

for (const [locale, catalogue] of Object.entries(TRANSLATIONS)) {
  const file = path.join(ROOT, 'assets', catalogueAssetPath(locale as keyof typeof TRANSLATIONS))
  mkdirSync(path.dirname(file), { recursive: true })
  writeFileSync(file, `${JSON.stringify(catalogue)}\n`)
}
console.log(`wrote assets/i18n/: ${Object.keys(TRANSLATIONS).join(', ')}`)
