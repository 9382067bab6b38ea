/**
 * The language menu's markup without rendering the component per request: LanguageMenu is rendered
 * once per (label, current language, offered languages) with markers in place of the links' hrefs,
 * cut at them, and each page only fills in its escaped hrefs. Byte for byte the component's output
 * (test/layout.unit.test.tsx). The key holds catalogue words and configured languages only, never
 * anything from the request, so the memo stays as small as the configuration.
 */
import { escapeToBuffer } from 'hono/utils/html'
import type { Locale } from '../i18n/locales'
import { type LanguageLink, LanguageMenu } from './language-menu'

/** A marker that survives escaping (no `&<>'"`) and that no label or autonym contains. */
const HREF = '\u0001href\u0001'

const partsByKey = new Map<string, readonly string[] | null>()

/** The LanguageMenu component's HTML for `links`. */
export function languageMenuHtml(label: string, current: Locale, links: readonly LanguageLink[]): string {
  const key = `${label}\u0002${current}\u0002${links.map((link) => link.locale).join(',')}`
  let parts = partsByKey.get(key)
  if (parts === undefined) {
    const marked = links.map((link) => ({ locale: link.locale, href: HREF }))
    const cut = String(<LanguageMenu label={label} current={current} links={marked} />).split(HREF)
    // A label holding the marker would cut in the wrong place: that menu renders the slow way.
    parts = cut.length === links.length + 1 && !label.includes(HREF) ? cut : null
    partsByKey.set(key, parts)
  }
  if (!parts) return String(<LanguageMenu label={label} current={current} links={links} />)
  const buffer: [string] = [parts[0] ?? '']
  links.forEach((link, i) => {
    escapeToBuffer(link.href, buffer)
    buffer[0] += parts[i + 1] ?? ''
  })
  return buffer[0]
}
