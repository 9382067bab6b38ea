/**
 * The doctor's check that a site's languages reach its pages: the Worker reads every translation but
 * English from its static assets (src/i18n/catalogues.ts), so the wrangler environment needs the
 * `[assets]` block with `binding = "ASSETS"` and `run_worker_first = true`, and the assets folder needs
 * i18n/<locale>.json for each language the site offers. Pure: file existence is asked through `exists`.
 */
import { catalogueAssetPath } from '../../src/i18n/catalogues'
import type { Locale } from '../../src/i18n/locales'
import type { Check } from './project'

/** The `[assets]` block of the wrangler environment, as wrangler reads it. */
export interface AssetsSetting {
  /** Absolute path of the assets folder. */
  readonly directory?: string | undefined
  readonly binding?: string | undefined
  readonly runWorkerFirst?: unknown
}

const TITLE = 'Pages reach their translations'

/** Pure: the check for a site offering `locales`, given the environment's `[assets]` block (null: none). */
export function translationsCheck(locales: readonly Locale[], assets: AssetsSetting | null, exists: (file: string) => boolean): Check {
  const translated = locales.filter((l): l is Exclude<Locale, 'en'> => l !== 'en')
  if (translated.length === 0) return { id: 'translations', title: TITLE, status: 'pass', detail: 'English only: no assets needed' }
  const block = '[assets] directory = "./assets", binding = "ASSETS", run_worker_first = true (as in this repository\'s wrangler.toml)'
  if (!assets || assets.binding !== 'ASSETS' || !assets.directory) {
    return { id: 'translations', title: TITLE, status: 'fail', detail: `no [assets] block with binding "ASSETS": pages in ${translated.join(', ')} would be served in English`, fix: `add ${block}` }
  }
  if (assets.runWorkerFirst !== true) {
    return { id: 'translations', title: TITLE, status: 'fail', detail: 'run_worker_first is not true: requests matching an asset would skip the Worker (no security headers)', fix: 'set run_worker_first = true in the [assets] block' }
  }
  const missing = translated.filter((l) => !exists(`${assets.directory}${catalogueAssetPath(l)}`))
  if (missing.length) {
    return { id: 'translations', title: TITLE, status: 'fail', detail: `missing in ${assets.directory}: ${missing.map((l) => `i18n/${l}.json`).join(', ')}`, fix: 'run npm run i18n:build, then deploy again' }
  }
  return { id: 'translations', title: TITLE, status: 'pass', detail: translated.join(', ') }
}
