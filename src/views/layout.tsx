/**
 * The one page layout. No scripts, no inline styles: every page works with JavaScript off and under
 * a CSP without 'unsafe-inline'. The site's branding (name, logo, stylesheet, footer, support and legal
 * links) comes from its configuration; a page without one (an unknown hostname) is plain.
 */
import type { Child } from 'hono/jsx'
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
