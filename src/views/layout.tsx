/**
 * The one page layout. No inline styles, and one script, allowed by its hash (views/submit-guard.ts:
 * each form is sent once): every page works with JavaScript off and under a CSP without 'unsafe-inline'. The site's branding (name, logo, stylesheet, footer, support and legal
 * links) comes from its configuration; a page without one (an unknown hostname) is plain. `<html lang
 * dir>` follow the negotiated language; the site's name carries translate="no".
 * Requests do not render the layout: it is cut once per configuration and language into static parts
 * (views/template.ts), and each page only fills in its escaped title, its language menu and its body.
 */
import type { Child } from 'hono/jsx'
import { raw } from 'hono/utils/html'
import type { Branding } from '../branding'
import type { Translator } from '../i18n/catalogue'
import { SUBMIT_GUARD_SCRIPT } from './submit-guard'
import { type CutValue, cutMemo, htmlThroughCut } from './template'

export interface LayoutProps {
  readonly title: string
  readonly appName: string
  /** Undefined for the plain page served to a hostname no site is configured for. */
  readonly branding?: Branding | undefined
  /** The page's language. */
  readonly t: Translator
  /** The language menu (views/language-menu.tsx); nothing when the site offers one language. */
  readonly menu?: Child
  readonly children?: Child
}

export function Layout({ title, appName, branding, t, menu, children }: LayoutProps) {
  const links = branding ? footerLinks(branding, t) : []
  return (
    <html lang={t.locale} dir={t.dir}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex, nofollow" />
        <title>{`${title} · ${appName}`}</title>
        {branding ? <link rel="stylesheet" href={branding.stylesheet.path} /> : null}
        <script>{raw(SUBMIT_GUARD_SCRIPT)}</script>
      </head>
      <body>
        <a class="skip" href="#content">
          {t.m.layout.skip}
        </a>
        <header class="site">
          {branding?.logo ? <img src={branding.logo.src} alt={branding.logo.alt} /> : null}
          {branding?.logo && branding.logo.alt === appName ? null : <span translate="no">{appName}</span>}
          {menu}
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

/** The layout of one configuration in one language is cut once (views/template.ts). */
const cuts = cutMemo()
/** Pages rendered without a configuration (the misconfigured-deployment page) use this key. */
const NO_CONFIG = {}

/**
 * The whole page: the layout's static parts (cut once per configuration and language) around the
 * escaped title, the language menu and the body markup. Byte for byte what rendering the Layout component
 * per request gives: JSX escapes `title · appName` as one text, and ' · ' needs no escaping, so escaping
 * the title alone is the same.
 */
export function layoutPage(
  config: { readonly appName?: string | undefined; readonly branding?: Branding | undefined } | undefined,
  t: Translator,
  title: string,
  menuHtml: string,
  bodyHtml: string,
): string {
  const appName = config?.appName ?? t.m.layout.appName
  const page = ([pageTitle, menu, body]: readonly CutValue[]) =>
    `<!DOCTYPE html>${(<Layout title={String(pageTitle)} appName={appName} branding={config?.branding} t={t} menu={menu}>{body}</Layout>).toString()}`
  return htmlThroughCut(cuts, config ?? NO_CONFIG, t.locale, [title, raw(menuHtml), raw(bodyHtml)], page)
}
