/**
 * The Translator for each language. English, the source and the fallback, is in the script; the other
 * catalogues are static assets (assets/i18n/<locale>.json, written by `npm run i18n:build` from
 * messages/*.ts) that the Worker reads through its ASSETS binding the first time an isolate needs one,
 * so adding languages does not grow the script. A catalogue that cannot be read in time leaves that
 * page in English (and logs `catalogue_unavailable`); the next request tries again.
 */
import { createTranslator, type Messages, type Plural, type Translator } from './catalogue'
import { DIRECTION, type Locale } from './locales'
import { en } from './messages/en'

/** How long a page waits for a catalogue before it is served in English. */
export const CATALOGUE_TIMEOUT_MS = 2000

/** The English Translator, always at hand. */
export const ENGLISH: Translator = createTranslator('en', 'ltr', en)

/** Where a translation lives among the static assets. */
export function catalogueAssetPath(locale: Exclude<Locale, 'en'>): string {
  return `/i18n/${locale}.json`
}

const isPlural = (node: unknown): node is Plural =>
  typeof node === 'object' && node !== null && typeof (node as { other?: unknown }).other === 'string'

/**
 * Pure: English's keys filled from a parsed catalogue. A text that is missing or of the wrong kind
 * stays English and is counted (a catalogue older than the code); extra keys are ignored.
 */
export function catalogueFrom(json: unknown, shape: object = en): { readonly messages: Messages; readonly missing: number } {
  let missing = 0
  const fill = (source: object, given: unknown): object =>
    Object.fromEntries(
      Object.entries(source).map(([key, value]: [string, unknown]) => {
        const found = typeof given === 'object' && given !== null && Object.hasOwn(given, key) ? (given as Record<string, unknown>)[key] : undefined
        if (typeof value === 'string') {
          if (typeof found === 'string') return [key, found]
        } else if (isPlural(value)) {
          if (isPlural(found) && Object.values(found).every((v) => typeof v === 'string')) return [key, found]
        } else {
          return [key, fill(value as object, found)]
        }
        missing++
        return [key, value]
      }),
    )
  return { messages: fill(shape, json) as Messages, missing }
}

/** The part of the ASSETS binding we use (a Fetcher). */
export interface AssetReader {
  fetch(input: Request | string): Promise<Response>
}

/** Translators read (and English): the hot path takes them without an await. */
const ready = new Map<Locale, Translator>([['en', ENGLISH]])
/** Reads in flight, shared by concurrent requests; a failed one is forgotten, so the next request retries. */
const reading = new Map<Locale, Promise<Translator | undefined>>()

/** The Translator for `locale` if this isolate already has it. */
export function readyTranslator(locale: Locale): Translator | undefined {
  return ready.get(locale)
}

/**
 * The Translator for `locale`, read on first use and kept per isolate; English when the catalogue
 * cannot be read (no binding, an error, not JSON, too slow).
 */
export async function translatorFor(locale: Locale, assets: AssetReader | undefined): Promise<Translator> {
  const known = ready.get(locale)
  if (known || locale === 'en') return known ?? ENGLISH
  let read = reading.get(locale)
  if (!read) {
    read = readTranslator(locale, assets)
    reading.set(locale, read)
    void read.then((translator) => {
      reading.delete(locale)
      if (translator) ready.set(locale, translator)
    })
  }
  return (await read) ?? ENGLISH
}

async function readTranslator(locale: Exclude<Locale, 'en'>, assets: AssetReader | undefined): Promise<Translator | undefined> {
  let timer: ReturnType<typeof setTimeout> | null = null
  try {
    if (!assets) throw new Error('no ASSETS binding')
    const read = assets.fetch(`https://assets.invalid${catalogueAssetPath(locale)}`).then(async (res) => {
      if (!res.ok) throw new Error(`status ${res.status}`)
      return catalogueFrom(await res.json())
    })
    const tooSlow = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), CATALOGUE_TIMEOUT_MS)))
    const { messages, missing } = await Promise.race([read, tooSlow])
    if (missing > 0) console.warn(JSON.stringify({ msg: 'catalogue_incomplete', locale, missing }))
    return createTranslator(locale, DIRECTION[locale], messages)
  } catch (error) {
    console.error(JSON.stringify({ msg: 'catalogue_unavailable', locale, error: error instanceof Error ? error.message : 'unknown' }))
    return undefined
  } finally {
    if (timer !== null) clearTimeout(timer)
  }
}
