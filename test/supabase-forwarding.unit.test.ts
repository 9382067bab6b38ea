/**
 * lib/supabase-forwarding.ts, the pure rule for which key and address a call to Supabase Auth carries
 * when the Worker holds SUPABASE_SECRET_KEY. Tables for the wire shapes; fast-check for the invariant
 * that the secret key never becomes the bearer of a call made as a person, nor reaches another header.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { forwardedHeaders, type ForwardingOptions } from '../src/lib/supabase-forwarding'

const BASE = 'https://abcd1234.supabase.co'
const options: ForwardingOptions = { secretKey: 'sb_secret_test_key_0123456789', publishableKey: 'sb_publishable_test_0123', clientIp: '203.0.113.5' }
/** What supabase-js sends without a session: the key as apikey and as bearer. */
const keyHeaders = () => new Headers({ apikey: options.publishableKey, Authorization: `Bearer ${options.publishableKey}` })
const personHeaders = () => new Headers({ apikey: options.publishableKey, Authorization: 'Bearer eyJhbGciOiJFUzI1NiJ9.eyJyb2xlIjoiYXV0aGVudGljYXRlZCJ9.c2ln' })
const shape = (h: Headers | undefined) => h && { apikey: h.get('apikey'), authorization: h.get('Authorization'), sbff: h.get('Sb-Forwarded-For') }

describe('forwardedHeaders', () => {
  it.each(['recover?redirect_to=x', 'verify', 'token?grant_type=pkce', 'token?grant_type=refresh_token', 'otp', 'resend', 'signup'])(
    'sends /%s with the secret key (as supabase-js does for sb_secret_ keys) and the address',
    (path) => {
      expect(shape(forwardedHeaders(`${BASE}/auth/v1/${path}`, keyHeaders(), options))).toEqual({
        apikey: options.secretKey,
        authorization: `Bearer ${options.secretKey}`,
        sbff: '203.0.113.5',
      })
    },
  )

  it.each(['user', 'logout?scope=global'])('sends /%s as the person: secret only as apikey, their token stays the bearer', (path) => {
    const out = forwardedHeaders(`${BASE}/auth/v1/${path}`, personHeaders(), options)
    expect(shape(out)).toEqual({ apikey: options.secretKey, authorization: personHeaders().get('Authorization'), sbff: '203.0.113.5' })
  })

  it('leaves /user alone when no person token is there (it would otherwise run as service_role)', () => {
    expect(forwardedHeaders(`${BASE}/auth/v1/user`, keyHeaders(), options)).toBeUndefined()
    expect(forwardedHeaders(`${BASE}/auth/v1/user`, new Headers({ apikey: options.publishableKey }), options)).toBeUndefined()
  })

  it.each(['.well-known/jwks.json', 'settings', 'health', 'admin/users', 'factors'])('leaves /%s alone', (path) => {
    expect(forwardedHeaders(`${BASE}/auth/v1/${path}`, keyHeaders(), options)).toBeUndefined()
  })

  it.each([
    ['absent (not behind Cloudflare)', undefined],
    ['not an address', 'evil, 1.2.3.4'],
    ['too long', '1'.repeat(46)],
    // Address-shaped (hex digits and colons), one character past the longest IPv6 text (45).
    ['address-shaped but too long', `2001:db8::${'0'.repeat(36)}`],
  ])('forwards no address when CF-Connecting-IP is %s', (_name, clientIp) => {
    expect(forwardedHeaders(`${BASE}/auth/v1/verify`, keyHeaders(), { ...options, clientIp })?.get('Sb-Forwarded-For')).toBeNull()
  })

  it.each(['user/identities', 'recover/extra'])('leaves /%s alone, whatever the bearer (an endpoint is the whole last path segment)', (path) => {
    expect(forwardedHeaders(`${BASE}/auth/v1/${path}`, keyHeaders(), options)).toBeUndefined()
    expect(forwardedHeaders(`${BASE}/auth/v1/${path}`, personHeaders(), options)).toBeUndefined()
  })

  it('forwards IPv6 addresses as Cloudflare writes them', () => {
    expect(forwardedHeaders(`${BASE}/auth/v1/verify`, keyHeaders(), { ...options, clientIp: '2001:db8::1' })?.get('Sb-Forwarded-For')).toBe('2001:db8::1')
  })

  it('never makes the secret key the bearer of a person call, nor puts it in any other header (property)', () => {
    const endpoint = fc.constantFrom('recover', 'verify', 'token', 'otp', 'resend', 'signup', 'user', 'logout', 'settings', '.well-known/jwks.json', 'admin/users', 'user/identities')
    const bearer = fc.oneof(fc.constant(undefined), fc.constant(`Bearer ${options.publishableKey}`), fc.string().map((s) => `Bearer ${s}`), fc.string())
    const extra = fc.dictionary(fc.constantFrom('x-client-info', 'content-type', 'x-supabase-api-version', 'sb-forwarded-for'), fc.string({ maxLength: 20 }))
    fc.assert(
      fc.property(endpoint, bearer, extra, fc.option(fc.ipV4(), { nil: undefined }), (name, auth, more, clientIp) => {
        const headers = new Headers({ apikey: options.publishableKey })
        if (auth !== undefined && /^[\t\x20-\x7e]*$/.test(auth)) headers.set('Authorization', auth)
        for (const [k, v] of Object.entries(more)) if (/^[\t\x20-\x7e]*$/.test(v)) headers.set(k, v)
        const out = forwardedHeaders(`${BASE}/auth/v1/${name}`, headers, { ...options, clientIp }) ?? headers
        const hadPersonToken = /^Bearer \S+$/.test(headers.get('Authorization') ?? '') && headers.get('Authorization') !== `Bearer ${options.publishableKey}`
        // A call whose bearer was a person's token keeps exactly that bearer.
        if (hadPersonToken) expect(out.get('Authorization')).toBe(headers.get('Authorization'))
        // The secret key as bearer only on the flow endpoints, which read no bearer.
        if (out.get('Authorization') === `Bearer ${options.secretKey}`) expect(['recover', 'verify', 'token', 'otp', 'resend', 'signup']).toContain(name)
        // Nowhere else but apikey and Authorization.
        for (const [k, v] of out) if (k !== 'apikey' && k !== 'authorization') expect(v).not.toContain(options.secretKey)
        // Sb-Forwarded-For only ever carries the address Cloudflare saw.
        if (out !== headers && out.has('Sb-Forwarded-For')) expect(out.get('Sb-Forwarded-For')).toBe(clientIp)
      }),
      { numRuns: 500 },
    )
  })
})
