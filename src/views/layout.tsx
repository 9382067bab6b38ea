/**
 * The one page layout, used through Hono's jsxRenderer. No scripts, no external assets:
 * every page works with JavaScript off and under a CSP without 'unsafe-inline'.
 */
import type { Child } from 'hono/jsx'

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
