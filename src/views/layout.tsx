/**
 * The one page layout. No scripts, no inline styles: every page works with JavaScript off and under
 * a CSP without 'unsafe-inline'. The site's branding (name, logo, stylesheet, footer, support and legal
 * links) comes from its configuration; a page without one (an unknown hostname) is plain.
 * Requests do not render the layout: it is rendered once per configuration into static parts, and each
 * page only escapes its title into them, so the head, the header and the footer cost nothing per request.
 */
import type { Child } from 'hono/jsx'
import { escapeToBuffer, raw } from 'hono/utils/html'
import type { Branding } from '../branding'

export interface LayoutProps {
  readonly title: string
  readonly appName: string
  /** Undefined for the plain page served to a hostname no site is configured for. */
  readonly branding?: Branding | undefined
  readonly children?: Child
}

const DEFAULT_FOOTER = 'Secure account service. Never share the code or link from your email with anyone.'

export function Layout({ title, appName, branding, children }: LayoutProps) {
  const links = branding ? footerLinks(branding) : []
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex, nofollow" />
        <title>{`${title} · ${appName}`}</title>
        {branding ? <link rel="stylesheet" href={branding.stylesheet.path} /> : null}
      </head>
      <body>
        <a class="skip" href="#content">
          Skip to content
        </a>
        <header class="site">
          {branding?.logo ? <img src={branding.logo.src} alt={branding.logo.alt} /> : null}
          {branding?.logo && branding.logo.alt === appName ? null : <span>{appName}</span>}
        </header>
        <main id="content">{children}</main>
        <footer>
          {branding?.footer ?? DEFAULT_FOOTER}
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

function footerLinks(branding: Branding): { href: string; label: string }[] {
  const links: { href: string; label: string }[] = []
  if (branding.support) links.push(branding.support)
  if (branding.privacyUrl) links.push({ href: branding.privacyUrl, label: 'Privacy' })
  if (branding.termsUrl) links.push({ href: branding.termsUrl, label: 'Terms' })
  return links
}

/** Markers that survive escaping (no `&<>'"`) and that no page puts anywhere else. */
const TITLE = '\u0001title\u0001'
const BODY = '\u0001body\u0001'
const MARKER_RE = /\u0001(?:title|body)\u0001/

type Parts = readonly [beforeTitle: string, betweenTitleAndBody: string, afterBody: string]

/** The layout of one configuration, rendered once with markers for the title and the body, cut at them. */
const perConfig = new WeakMap<object, Parts | null>()
/** Pages rendered without a configuration (the misconfigured-deployment page) use this key. */
const NO_CONFIG = {}

function partsFor(key: object, appName: string, branding: Branding | undefined): Parts | null {
  let parts = perConfig.get(key)
  if (parts === undefined) {
    const html = `<!DOCTYPE html>${(<Layout title={TITLE} appName={appName} branding={branding}>{BODY}</Layout>).toString()}`
    const cut = html.split(MARKER_RE)
    // An app name holding a marker would cut in the wrong place: such a config renders the slow way.
    parts = cut.length === 3 && html.indexOf(TITLE) < html.indexOf(BODY) ? (cut as unknown as Parts) : null
    perConfig.set(key, parts)
  }
  return parts
}

/**
 * The whole page: the layout's static parts (rendered once per configuration) around the escaped title
 * and the body markup. Byte for byte what rendering the Layout component per request gives: JSX escapes
 * `title · appName` as one text, and ' · ' needs no escaping, so escaping the title alone is the same.
 */
export function layoutPage(config: { readonly appName: string; readonly branding?: Branding | undefined } | undefined, title: string, bodyHtml: string): string {
  const appName = config?.appName ?? 'Account'
  const parts = partsFor(config ?? NO_CONFIG, appName, config?.branding)
  if (!parts) return `<!DOCTYPE html>${(<Layout title={title} appName={appName} branding={config?.branding}>{raw(bodyHtml)}</Layout>).toString()}`
  return `${parts[0]}${escape(title)}${parts[1]}${bodyHtml}${parts[2]}`
}

/** hono's HTML escaping (the one JSX uses) of one value. */
function escape(value: string): string {
  const buffer: [string] = ['']
  escapeToBuffer(value, buffer)
  return buffer[0]
}
