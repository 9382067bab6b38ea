/**
 * The language menu's markup without rendering the component per request: LanguageMenu is rendered
 * once per (label, current language, offered languages) with markers in place of the links' hrefs,
 * cut at them (views/template.ts), and each page only fills in its escaped hrefs. Byte for byte the
 * component's output (test/layout.unit.test.tsx). The key holds catalogue words and configured
 * languages only, never anything from the request, so the memo stays as small as the configuration.
 */
import type { Locale } from '../i18n/locales'
import { type LanguageLink, LanguageMenu } from './language-menu'
import { type Cut, cutAtMarkers, fillCut } from './template'

const cuts = new Map<string, Cut | null>()

/** The LanguageMenu component's HTML for `links`. */
export function languageMenuHtml(label: string, current: Locale, links: readonly LanguageLink[]): string {
  const key = `${label}\u0002${current}\u0002${links.map((link) => link.locale).join(',')}`
  let cut = cuts.get(key)
  if (cut === undefined) {
    // A label holding a marker makes the cut unusable: that menu renders the slow way.
    cut = cutAtMarkers(links.length, (hrefs) => {
      const marked = links.map((link, i) => ({ locale: link.locale, href: hrefs[i]! }))
      return String(<LanguageMenu label={label} current={current} links={marked} />)
    })
    cuts.set(key, cut)
  }
  const hrefs = links.map((link) => link.href)
  return cut ? fillCut(cut, hrefs) : String(<LanguageMenu label={label} current={current} links={links} />)
}
