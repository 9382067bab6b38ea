/**
 * The language menu's markup without rendering the component per request: LanguageMenu is rendered
 * once per (label, current language, offered languages) with markers in place of the links' hrefs,
 * cut at them (views/template.ts), and each page only fills in its escaped hrefs. Byte for byte the
 * component's output (test/layout.unit.test.tsx). The key holds catalogue words and configured
 * languages only, never anything from the request, so the memo stays as small as the configuration.
 */
import type { Locale } from '../i18n/locales'
import { type LanguageLink, LanguageMenu } from './language-menu'
import { cutMemo, htmlThroughCut } from './template'

const cuts = cutMemo()
/** Menus depend on no configuration object: one owner for all of them, keyed by their words. */
const MENUS = {}

/** The LanguageMenu component's HTML for `links`. A label holding a marker renders the slow way. */
export function languageMenuHtml(label: string, current: Locale, links: readonly LanguageLink[]): string {
  const key = `${label}\u0002${current}\u0002${links.map((link) => link.locale).join(',')}`
  const hrefs = links.map((link) => link.href)
  return htmlThroughCut(cuts, MENUS, key, hrefs, (values) => (
    <LanguageMenu label={label} current={current} links={links.map((link, i) => ({ locale: link.locale, href: String(values[i]) }))} />
  ))
}
