/**
 * The second demo site: `npm run dev` and the browser tests serve two sites from one Worker, on two
 * hostnames of this machine (127.0.0.1 and localhost), each with its own Supabase project (stand-in)
 * and look, so a newcomer sees `SITES` at work. Node only.
 */
import type { LocalAuth } from '../local-auth/index'

/** Site B's branding: its own name, colours, footer and links (checked for contrast when loaded). */
export const DEMO_SITE_B_BRANDING = {
  logoAlt: 'Globex',
  accent: '#8a1c7c',
  background: '#fbf7fa',
  accentDark: '#e7a6dc',
  backgroundDark: '#1a1119',
  support: 'help@globex.example',
  privacyUrl: 'https://globex.example/privacy',
  termsUrl: 'https://globex.example/terms',
  footer: 'Globex Corporation. This page only ever asks for your new password.',
  // A small mark served by the Worker itself (inline data, no external host).
  logo: `data:image/svg+xml;base64,${Buffer.from(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="32" height="32"><circle cx="16" cy="16" r="15" fill="#8a1c7c"/><path d="M9 16a7 7 0 1 0 14 0h-7" stroke="#fff" stroke-width="3" fill="none"/></svg>',
  ).toString('base64')}`,
}

/** The SITES value for the two demo sites on `port`: 127.0.0.1 (project A) and localhost (project B). */
export function demoSites(port: number, projectA: LocalAuth, projectB: LocalAuth, siteA: Record<string, unknown> = {}): string {
  return JSON.stringify({
    '127.0.0.1': {
      SUPABASE_URL: projectA.url,
      SUPABASE_PUBLISHABLE_KEY: projectA.publishableKey,
      SITE_URL: `http://127.0.0.1:${port}`,
      ...siteA,
    },
    localhost: {
      SUPABASE_URL: projectB.url,
      SUPABASE_PUBLISHABLE_KEY: projectB.publishableKey,
      SITE_URL: `http://localhost:${port}`,
      APP_NAME: 'Globex account',
      BRANDING: DEMO_SITE_B_BRANDING,
    },
  })
}
