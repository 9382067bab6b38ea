/**
 * The one page layout. No scripts, no external assets: every page works with JavaScript off and under a
 * CSP without 'unsafe-inline'. The markup is this JSX component; requests do not render it: it is
 * rendered once per configuration into static parts, and each page only escapes its title into them,
 * so the head, the stylesheet link, the header and the footer cost nothing per request.
 */
import type { Child } from 'hono/jsx'
import { escapeToBuffer, raw } from 'hono/utils/html'

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

/** Markers that survive escaping (no `&<>'"`) and that no page puts anywhere else. */
const TITLE = '\u0001title\u0001'
const BODY = '\u0001body\u0001'
const MARKER_RE = /\u0001(?:title|body)\u0001/

type Parts = readonly [beforeTitle: string, betweenTitleAndBody: string, afterBody: string]

/** The layout of one configuration, rendered once with markers for the title and the body, cut at them. */
const perConfig = new WeakMap<object, Parts | null>()
/** Pages rendered without a configuration (the misconfigured-deployment page) use this key. */
const NO_CONFIG = {}

function partsFor(key: object, appName: string): Parts | null {
  let parts = perConfig.get(key)
  if (parts === undefined) {
    const html = `<!DOCTYPE html>${(<Layout title={TITLE} appName={appName}>{BODY}</Layout>).toString()}`
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
export function layoutPage(config: { readonly appName: string } | undefined, title: string, bodyHtml: string): string {
  const appName = config?.appName ?? 'Account'
  const parts = partsFor(config ?? NO_CONFIG, appName)
  if (!parts) return `<!DOCTYPE html>${(<Layout title={title} appName={appName}>{raw(bodyHtml)}</Layout>).toString()}`
  return `${parts[0]}${escape(title)}${parts[1]}${bodyHtml}${parts[2]}`
}

/** hono's HTML escaping (the one JSX uses) of one value. */
function escape(value: string): string {
  const buffer: [string] = ['']
  escapeToBuffer(value, buffer)
  return buffer[0]
}
