/**
 * The one page layout. No scripts, no inline styles: every page works with JavaScript off and under
 * a CSP without 'unsafe-inline'. The site's branding (name, logo, stylesheet, footer, support and legal
 * links) comes from its configuration; a page without one (an unknown hostname) is plain. `<html lang
 * dir>` follow the negotiated language; the site's name carries translate="no".
 */
import type { Child } from 'hono/jsx'
import type { Branding } from '../branding'
import type { Translator } from '../i18n/catalogue'
import { type LanguageLink, LanguageMenu } from './language-menu'

export interface LayoutProps {
  readonly title: string
  readonly appName: string
  /** Undefined for the plain page served to a hostname no site is configured for. */
  readonly branding?: Branding | undefined
  /** The page's language. */
  readonly t: Translator
  /** The language menu's links; empty when the site offers one language. */
  readonly languages: readonly LanguageLink[]
  readonly children?: Child
}

export function Layout({ title, appName, branding, t, languages, children }: LayoutProps) {
  const links = branding ? footerLinks(branding, t) : []
  return (
    <html lang={t.locale} dir={t.dir}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex, nofollow" />
        <title>{`${title} · ${appName}`}</title>
        {branding ? <link rel="stylesheet" href={branding.stylesheet.path} /> : null}
      </head>
      <body>
        <a class="skip" href="#content">
          {t.m.layout.skip}
        </a>
        <header class="site">
          {branding?.logo ? <img src={branding.logo.src} alt={branding.logo.alt} /> : null}
          {branding?.logo && branding.logo.alt === appName ? null : <span translate="no">{appName}</span>}
          {languages.length ? <LanguageMenu label={t.m.layout.languages} current={t.locale} links={languages} /> : null}
        </header>
        <main id="content">{children}</main>
        <footer>
          {branding?.footer ?? t.m.layout.footer}
          {links.length ? (
            <ul>
              {links.map((link) => (
                <li>
                  <a href={link.href}>{link.label}</a>
                </li>
              ))}
            </ul>
          ) : null}
        </footer>
      </body>
    </html>
  )
}

function footerLinks(branding: Branding, t: Translator): { href: string; label: string }[] {
  const links: { href: string; label: string }[] = []
  if (branding.support) {
    // A support address is shown as itself (style.ts keeps mailto: links left to right).
    links.push({ href: branding.support.href, label: branding.support.label ?? t.m.layout.support })
  }
  if (branding.privacyUrl) links.push({ href: branding.privacyUrl, label: t.m.layout.privacy })
  if (branding.termsUrl) links.push({ href: branding.termsUrl, label: t.m.layout.terms })
  return links
}
