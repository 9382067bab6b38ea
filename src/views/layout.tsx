/**
 * The one page layout. No scripts, no external assets: every page works with JavaScript off and under a
 * CSP without 'unsafe-inline'. The markup is this JSX component; requests do not render it: it is
 * rendered once into static parts (`layoutParts`) and each page only escapes its title and app name
 * into them, so the head, the stylesheet link and the footer cost nothing per request.
 */
import type { Child } from 'hono/jsx'
import { escapeToBuffer } from 'hono/utils/html'
import { lazy } from '../lib/lazy'

export interface LayoutProps {
  readonly title: string
  readonly appName: string
  readonly children?: Child
}

export function Layout({ title, appName, children }: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex, nofollow" />
        <title>{`${title} · ${appName}`}</title>
        <link rel="stylesheet" href="/assets/app.css" />
      </head>
      <body>
        <a class="skip" href="#content">
          Skip to content
        </a>
        <header class="site">{appName}</header>
        <main id="content">{children}</main>
        <footer>Secure account service. Never share the code or link from your email with anyone.</footer>
      </body>
    </html>
  )
}

/** Markers that survive escaping (no `&<>'"`) and appear nowhere else in the layout. */
const TITLE = '\u0001t\u0001'
const APP = '\u0001a\u0001'
const BODY = '\u0001b\u0001'

/**
 * The layout rendered once with markers, cut at them: the page is parts[0] + title + parts[1] + app name +
 * parts[2] + app name + parts[3] + body + parts[4], byte for byte what rendering the JSX per request gives
 * (JSX escapes `title · appName` as one text; ' · ' needs no escaping, so escaping the two apart is the same).
 */
const layoutParts = lazy(() => {
  const html = `<!DOCTYPE html>${(<Layout title={TITLE} appName={APP}>{BODY}</Layout>).toString()}`
  const parts = html.split(/\u0001[tab]\u0001/)
  const order = [...html.matchAll(/\u0001([tab])\u0001/g)].map((m) => m[1]).join('')
  if (order !== 'taab' || parts.length !== 5) throw new Error('layout markers moved') // caught by every page test
  return parts as [string, string, string, string, string]
})

/** Per app name (one per deployment): the layout with the app name filled in, cut around title and body. */
const withAppName = new Map<string, readonly [string, string, string]>()

/** The whole page: the layout's static parts around the escaped title and app name and the body markup. */
export function layoutPage(title: string, appName: string, bodyHtml: string): string {
  let parts = withAppName.get(appName)
  if (!parts) {
    const p = layoutParts()
    const app = escape(appName)
    parts = [p[0], `${p[1]}${app}${p[2]}${app}${p[3]}`, p[4]]
    if (withAppName.size < 8) withAppName.set(appName, parts) // one per config; bounded all the same
  }
  return `${parts[0]}${escape(title)}${parts[1]}${bodyHtml}${parts[2]}`
}

/** hono's HTML escaping (the one JSX uses) of one value. */
function escape(value: string): string {
  const buffer: [string] = ['']
  escapeToBuffer(value, buffer)
  return buffer[0]
}
