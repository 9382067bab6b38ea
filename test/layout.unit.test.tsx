/**
 * The layout is rendered once into static parts and filled per page (views/layout.tsx): the result must
 * be byte for byte what rendering the Layout component gives, and the two dynamic values (title, app
 * name) must be escaped wherever they land.
 */
import { describe, expect, it } from 'vitest'
import app from '../src/index'
import { ConfigError, parseConfig } from '../src/config'
import { Layout, layoutPage } from '../src/views/layout'

const HOSTILE = ['', 'Reset', 'Tom & Jerry', '<script>alert(1)</script>', `"'><img src=x onerror=1>`, '\u0001title\u0001', '\u0001body\u0001', '·', '&amp;', 'ünïcödé ✓']

function randomText(): string {
  const alphabet = `ab <>&"'\u0001·é`
  return Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => alphabet[b % alphabet.length]).join('')
}

describe('layoutPage', () => {
  it('matches rendering the Layout component, for hostile and random titles and app names', () => {
    const cases = [...HOSTILE.flatMap((t) => HOSTILE.map((a) => [t, a] as const)), ...Array.from({ length: 200 }, () => [randomText(), randomText()] as const)]
    for (const [title, appName] of cases) {
      const body = <p>{`body of ${title}`}</p>
      const want = `<!DOCTYPE html>${(<Layout title={title} appName={appName}>{body}</Layout>).toString()}`
      // A fresh config object each time, as each deployment (or site) has its own.
      expect(layoutPage({ appName }, title, String(body))).toBe(want)
    }
  })

  it('matches rendering the Layout component with a site’s branding (logo, footer, links, stylesheet)', () => {
    const config = parseConfig({
      SUPABASE_URL: 'https://abcd1234.supabase.co',
      SUPABASE_PUBLISHABLE_KEY: 'sb_publishable_0123456789abcdefghij',
      SITE_URL: 'https://www.example.com',
      APP_NAME: 'Brand & Co',
      BRANDING: { logo: 'https://cdn.example.com/l.svg', support: 'help@example.com', privacyUrl: 'https://www.example.com/p', footer: '<Brand> & Co' },
    })
    if (config instanceof ConfigError) throw config
    for (const title of HOSTILE) {
      const want = `<!DOCTYPE html>${(<Layout title={title} appName={config.appName} branding={config.branding}><p>x</p></Layout>).toString()}`
      expect(layoutPage(config, title, '<p>x</p>')).toBe(want)
    }
    expect(layoutPage(config, 'T', '')).toContain('<footer>&lt;Brand&gt; &amp; Co<ul>')
  })

  it('renders the same page for the same config twice (the cut parts are reused) and without a config', () => {
    const config = { appName: 'Acme & Co' }
    const first = layoutPage(config, 'One <1>', '<p>x</p>')
    expect(layoutPage(config, 'One <1>', '<p>x</p>')).toBe(first)
    expect(layoutPage(config, 'Two', '<p>y</p>')).toBe(`<!DOCTYPE html>${(<Layout title="Two" appName="Acme & Co"><p>y</p></Layout>).toString()}`)
    expect(layoutPage(undefined, 'T', '')).toBe(`<!DOCTYPE html>${(<Layout title="T" appName="Account">{''}</Layout>).toString()}`)
  })

  it('escapes the app name from the config in the title and the header of a served page', async () => {
    const res = await app.request('https://auth.example.com/account/forgot-password', {}, {
      SUPABASE_URL: 'https://abcd1234.supabase.co',
      SUPABASE_PUBLISHABLE_KEY: 'sb_publishable_0123456789abcdefghij',
      SITE_URL: 'https://www.example.com',
      APP_NAME: '<b>Tom & Jerry</b>',
    })
    const html = await res.text()
    expect(res.status).toBe(200)
    expect(html).toContain('<title>Reset your password · &lt;b&gt;Tom &amp; Jerry&lt;/b&gt;</title>')
    expect(html).toContain('<header class="site"><span>&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;</span></header>')
    expect(html).not.toContain('<b>')
  })
})
