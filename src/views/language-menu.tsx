/**
 * The language menu: one plain link per language the site offers, each named in its own language
 * and marked up in it (lang, dir), so it works without JavaScript and a screen reader pronounces it.
 * The links add `?lang=xx` to the current address; middleware/locale.ts remembers the choice.
 */
import { AUTONYM, DIRECTION, type Locale } from '../i18n/locales'

export interface LanguageLink {
  readonly locale: Locale
  readonly href: string
}

export function LanguageMenu(props: { readonly label: string; readonly current: Locale; readonly links: readonly LanguageLink[] }) {
  return (
    <nav class="languages" aria-label={props.label}>
      <ul>
        {props.links.map((link) => (
          <li>
            <a
              href={link.href}
              lang={link.locale}
              hreflang={link.locale}
              dir={DIRECTION[link.locale]}
              translate="no"
              aria-current={link.locale === props.current ? 'true' : undefined}
            >
              {AUTONYM[link.locale]}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  )
}
