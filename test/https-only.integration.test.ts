/**
 * Plain http outside local development: every request is sent to the same address over https (308)
 * before any cookie is set, whatever the route or method; local hosts keep plain http (and the plain
 * cookie names), as `npm run dev` and the browser tests use them.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isLocalHost } from '../src/lib/local-host'
import { Browser } from './browser'
import { captureLogs } from './flow'

const PATHS = [
  '/',
  '/account/forgot-password',
  `/auth/confirm?token_hash=${'c'.repeat(56)}&type=recovery&next=/account/update-password`,
  '/account/update-password',
  '/account/verify-code?lang=de',
  '/auth/auth-code-error?reason=link_expired',
  '/healthz',
  '/no-such-page',
]

describe('plain http on a real hostname', () => {
  it.each(PATHS)('GET %s: 308 to the same address over https, no cookie, logged as https_required', async (path) => {
    const browser = new Browser({ origin: 'http://auth.example.com' })
    const { result: res, lines } = await captureLogs(() => browser.get(path))
    expect(res.status).toBe(308)
    expect(res.headers.get('location')).toBe(`https://auth.example.com${path}`)
    expect(res.headers.getSetCookie()).toEqual([])
    expect(res.headers.get('cache-control')).toBe('private, no-store')
    expect(res.headers.has('strict-transport-security')).toBe(false)
    expect(lines.join('\n')).toContain('"reason":"https_required"')
  })

  it('a form POST too: nothing is read or sent to Supabase, nothing set', async () => {
    const browser = new Browser({ origin: 'http://auth.example.com' })
    const res = await browser.post('/account/forgot-password', { email: 'someone@example.com', csrf_token: 'x'.repeat(43) })
    expect(res.status).toBe(308)
    expect(res.headers.get('location')).toBe('https://auth.example.com/account/forgot-password')
    expect(res.headers.getSetCookie()).toEqual([])
  })

  it('goes to the default https port: http://auth.example.com:8080/x → https://auth.example.com/x (Cloudflare serves https on other ports)', async () => {
    const res = await new Browser({ origin: 'http://auth.example.com:8080' }).get('/account/forgot-password?x=1')
    expect(res.headers.get('location')).toBe('https://auth.example.com/account/forgot-password?x=1')
  })

  it('from a visitor anywhere but this machine, even one naming a private address as its client', async () => {
    for (const ip of ['203.0.113.5', '2001:db8::5', '10.0.0.5', '192.168.1.5', '::ffff:203.0.113.5', '1127.0.0.1']) {
      const res = await new Browser({ origin: 'http://auth.example.com' }).get('/account/forgot-password', { 'cf-connecting-ip': ip })
      expect(res.status, ip).toBe(308)
    }
  })
})

describe('plain http from this machine, on a production hostname (`wrangler dev --host`, an --env with routes)', () => {
  it.each(['127.0.0.1', '::1', '127.0.0.2', '::ffff:127.0.0.1'])('CF-Connecting-IP %s: served as it comes, with the plain cookie names', async (ip) => {
    const res = await new Browser({ origin: 'http://auth.example.com' }).get('/account/forgot-password', { 'cf-connecting-ip': ip })
    expect(res.status).toBe(200)
    const cookies = res.headers.getSetCookie()
    expect(cookies.some((line) => line.startsWith('csrf='))).toBe(true)
    for (const line of cookies) expect(line).not.toMatch(/^__Host-|;\s*Secure/i)
  })
})

describe('plain http in local development', () => {
  it.each(['http://127.0.0.1:8787', 'http://localhost:8787', 'http://192.168.1.20:8787', 'http://[::1]:8787'])('%s is served as it comes, with the plain cookie names', async (origin) => {
    const res = await new Browser({ origin }).get('/account/forgot-password')
    expect(res.status).toBe(200)
    const cookies = res.headers.getSetCookie()
    expect(cookies.some((line) => line.startsWith('csrf='))).toBe(true)
    for (const line of cookies) expect(line).not.toMatch(/^__Host-|;\s*Secure/i)
  })
})

describe('isLocalHost', () => {
  const hostname = (url: string) => new URL(url).hostname

  it('is true for loopback, localhost and private or link-local addresses, however written', () => {
    const private4 = fc.oneof(
      fc.tuple(fc.constant(127), fc.nat(255), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(10), fc.nat(255), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(172), fc.integer({ min: 16, max: 31 }), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(192), fc.constant(168), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(169), fc.constant(254), fc.nat(255), fc.nat(255)),
    )
    fc.assert(
      fc.property(private4, (parts) => {
        const dotted = parts.join('.')
        expect(isLocalHost(hostname(`http://${dotted}/`))).toBe(true)
        expect(isLocalHost(hostname(`http://[::ffff:${dotted}]/`))).toBe(true)
        // A single number is an IPv4 address to the URL parser as well.
        expect(isLocalHost(hostname(`http://${parts.reduce((n, p) => n * 256 + p, 0)}/`))).toBe(true)
      }),
    )
    for (const url of ['http://localhost/', 'http://LOCALHOST:1/', 'http://app.localhost/', 'http://[::1]/', 'http://[fd12:3456::1]/', 'http://[fe80::1]/', 'http://0x7f.1/']) {
      expect(isLocalHost(hostname(url)), url).toBe(true)
    }
  })

  it('is false for every public address and every domain name that is not localhost', () => {
    const public4 = fc
      .tuple(fc.integer({ min: 1, max: 223 }), fc.nat(255), fc.nat(255), fc.nat(255))
      .filter(([a, b]) => a !== 127 && a !== 10 && !(a === 172 && b >= 16 && b <= 31) && !(a === 192 && b === 168) && !(a === 169 && b === 254))
    fc.assert(
      fc.property(public4, (parts) => {
        expect(isLocalHost(hostname(`http://${parts.join('.')}/`))).toBe(false)
        expect(isLocalHost(hostname(`http://[::ffff:${parts.join('.')}]/`))).toBe(false)
      }),
    )
    fc.assert(
      fc.property(fc.domain().filter((d) => !/(^|\.)localhost$/i.test(d)), (domain) => {
        expect(isLocalHost(hostname(`http://${domain}/`))).toBe(false)
      }),
    )
    for (const url of ['http://172.15.255.255/', 'http://172.32.0.0/', 'http://192.167.1.1/', 'http://192.169.0.1/', 'http://169.253.1.1/', 'http://11.0.0.1/', 'http://126.255.255.255/', 'http://128.0.0.1/']) {
      expect(isLocalHost(hostname(url)), url).toBe(false)
    }
    for (const url of ['http://172.16.0.0/', 'http://172.31.255.255/', 'http://10.255.255.255/', 'http://127.255.255.255/']) {
      expect(isLocalHost(hostname(url)), url).toBe(true)
    }
    // Unique-local and link-local ranges only: the parser writes their first group with four digits.
    for (const url of ['http://[fc::1]/', 'http://[fd::]/', 'http://[fcd::1]/', 'http://[fe8::1]/', 'http://[fec0::1]/', 'http://[fe::1]/']) {
      expect(isLocalHost(hostname(url)), url).toBe(false)
    }
    for (const url of ['http://[fc00::1]/', 'http://[fdff::1]/', 'http://[fe80::1]/', 'http://[febf::1]/']) {
      expect(isLocalHost(hostname(url)), url).toBe(true)
    }
    for (const url of ['http://localhost.example.com/', 'http://127.0.0.1.nip.io/', 'http://10.0.0.1.example/', 'http://[2001:db8::1]/', 'http://[::ffff:8.8.8.8]/', 'http://[::]/']) {
      expect(isLocalHost(hostname(url)), url).toBe(false)
    }
  })
})
