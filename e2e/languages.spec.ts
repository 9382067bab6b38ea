/**
 * Every page in every language (issue 12): the tour (support/tour.ts) walked once per locale by a
 * browser that asks for that language, at phone width, in light mode. On each page: axe finds no
 * serious or critical violation, nothing is left in English (names and addresses aside), no key is
 * missing (no "undefined", no unfilled {placeholder}), and nothing overflows sideways. The tour's own
 * checks read the locale's catalogue, so a page in the wrong language fails it too.
 * Screenshots of a few key pages in de, ja and ar, at phone and desktop width, go to
 * docs/screenshots/<locale>/.
 */
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import type { Page } from '@playwright/test'
import { LOCALES, type Locale } from '../src/i18n/locales'
import { axeFindings, describeFindings, isSeriousOrCritical } from './support/axe'
import { expect, test } from './support/fixtures'
import { TOUR_PAGES, tour } from './support/tour'
import { REPO_ROOT } from '../scripts/stack'

const SCREENSHOT_DIR = path.join(REPO_ROOT, 'docs', 'screenshots')
const PHONE = { width: 390, height: 844 }
const DESKTOP = { width: 1280, height: 800 }
/** The browser locale that asks for each language (sent as Accept-Language). */
const BROWSER_LOCALE: Record<Locale, string> = { en: 'en-GB', de: 'de-AT', fr: 'fr-FR', es: 'es-ES', ja: 'ja-JP', ar: 'ar-EG' }
const SCREENSHOT_LOCALES: readonly Locale[] = ['de', 'ja', 'ar']
const SCREENSHOT_PAGES = ['forgot-password', 'check-email', 'update-password', 'update-password.mismatch', 'verify-code.wrong-code', 'error.link-expired']

/**
 * English words that none of de/fr/es uses on its own (so "Code", "Link", "E-Mail" are not here), and
 * for ja/ar any Latin word at all: after removing addresses, the site's name and the language menu,
 * such a word is English left on the page.
 */
const ENGLISH_WORDS = new Set(
  'the and your you this that with please was have has been sign password reset new enter again choose send there what which when from will not are is of to it for continue account back try'.split(' '),
)

/** What the person reads: the page's text without names, addresses and the language menu. */
async function readableText(page: Page): Promise<{ text: string; title: string }> {
  return page.evaluate(() => {
    const body = document.body.cloneNode(true) as HTMLElement
    for (const el of body.querySelectorAll('.address, nav.languages, header.site, [translate="no"], input, script')) el.remove()
    // The title ends in the site's name (APP_NAME), a name like the one in the header.
    return { text: body.innerText, title: document.title.split(' · ')[0] ?? '' }
  })
}

function englishLeftIn(locale: Locale, text: string): string[] {
  const words = text.replace(/\S+@\S+/g, ' ').match(/[A-Za-z]{2,}/g) ?? []
  if (locale === 'ja' || locale === 'ar') return words
  return words.filter((w) => ENGLISH_WORDS.has(w.toLowerCase()))
}

test.describe('every page in every language', () => {
  test.use({ colorScheme: 'light', bypassCSP: true })

  for (const locale of LOCALES) {
    test(`${locale}: axe, no English left, no missing key, no overflow at phone width`, async ({ newVisitor, control }) => {
      test.setTimeout(120_000)
      const page = await newVisitor({ locale: BROWSER_LOCALE[locale], viewport: PHONE, colorScheme: 'light', bypassCSP: true })
      const shots = SCREENSHOT_LOCALES.includes(locale) ? path.join(SCREENSHOT_DIR, locale) : undefined
      if (shots) mkdirSync(shots, { recursive: true })
      const visited = await tour(
        page,
        control,
        async (name) => {
          const where = `${locale} "${name}" (${page.url()})`
          await expect(page.locator('html'), where).toHaveAttribute('lang', locale)
          await expect(page.locator('html'), where).toHaveAttribute('dir', locale === 'ar' ? 'rtl' : 'ltr')
          const bad = (await axeFindings(page)).filter(isSeriousOrCritical)
          expect.soft(bad, `serious or critical axe violations on ${where}:\n${describeFindings(bad)}`).toEqual([])
          const { text, title } = await readableText(page)
          expect.soft(text + title, `a missing key on ${where}`).not.toMatch(/undefined|\[object|NaN|\{\w+\}/)
          if (locale !== 'en') expect.soft(englishLeftIn(locale, `${text}\n${title}`), `English left on ${where}`).toEqual([])
          // Addresses and the email/code inputs stay left to right, as isolated runs, in every language.
          const bidi = await page.evaluate(() =>
            [...document.querySelectorAll('.address, input[type=email]:not([hidden]), input[inputmode=numeric]')].map((el) => getComputedStyle(el).direction),
          )
          expect.soft(bidi.filter((d) => d !== 'ltr'), `right-to-left addresses or inputs on ${where}`).toEqual([])
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
          expect.soft(overflow, `sideways overflow at phone width on ${where}`).toBeLessThanOrEqual(0)
          if (shots && SCREENSHOT_PAGES.includes(name)) {
            const options = { fullPage: true, scale: 'css', animations: 'disabled', caret: 'hide' } as const
            await page.screenshot({ ...options, path: path.join(shots, `${name}.phone.png`) })
            await page.setViewportSize(DESKTOP)
            await page.screenshot({ ...options, path: path.join(shots, `${name}.desktop.png`) })
            await page.setViewportSize(PHONE)
          }
        },
        `poly${locale}`,
        locale,
      )
      expect(visited).toEqual(TOUR_PAGES)
    })
  }
})

test('the translations are read by the Worker, never served as files (run_worker_first), while every page above is translated from them', async ({ request }) => {
  for (const locale of LOCALES.filter((l) => l !== 'en')) {
    const res = await request.get(`/i18n/${locale}.json`)
    expect(res.status(), `/i18n/${locale}.json`).toBe(404)
    expect(res.headers()['content-type']).toMatch(/^text\/html/)
    expect(res.headers()['content-security-policy']).toBeTruthy()
  }
})
