/**
 * Configuration: bindings parsed once into a typed Config; bad bindings named, never echoed.
 */
import { describe, expect, it, vi } from 'vitest'
import { inject } from 'vitest'
import { ConfigError, loadConfig, parseConfig } from '../src/config'
import app from '../src/index'

const good = {
  SUPABASE_URL: 'https://abcd1234.supabase.co/',
  SUPABASE_PUBLISHABLE_KEY: 'sb_publishable_0123456789abcdefghij',
  SITE_URL: 'https://www.example.com',
}

describe('parseConfig', () => {
  it('applies defaults and normalises', () => {
    const config = parseConfig(good)
    expect(config).not.toBeInstanceOf(ConfigError)
    if (config instanceof ConfigError) return
    expect(config.supabaseUrl).toBe('https://abcd1234.supabase.co')
    expect(config.siteUrl).toBe('https://www.example.com/')
    expect(config.redirectOrigins).toEqual(['https://www.example.com'])
    expect(config.cookieDomain).toBeUndefined()
    expect(config.passwordMinLength).toBe(8)
    expect(config.confirmMode).toBe('interstitial')
    expect(config.upstreamTimeoutMs).toBe(5000)
    expect(config.recoveryMaxAgeSeconds).toBe(900)
    expect(Object.isFrozen(config)).toBe(true)
  })

  it('reads every optional binding, numbers given as strings', () => {
    const config = parseConfig({
      ...good,
      ALLOWED_REDIRECT_ORIGINS: 'https://app.example.com, https://admin.example.com/',
      COOKIE_DOMAIN: '.example.com',
      PASSWORD_MIN_LENGTH: '12',
      CONFIRM_MODE: 'direct',
      UPSTREAM_TIMEOUT_MS: 2500,
      RECOVERY_MAX_AGE_SECONDS: '600',
      APP_NAME: 'Acme',
    })
    expect(config).toMatchObject({
      redirectOrigins: ['https://www.example.com', 'https://app.example.com', 'https://admin.example.com'],
      cookieDomain: '.example.com',
      passwordMinLength: 12,
      confirmMode: 'direct',
      upstreamTimeoutMs: 2500,
      recoveryMaxAgeSeconds: 600,
      appName: 'Acme',
    })
  })

  it('accepts the legacy anon JWT as the key', () => {
    const anon = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyb2xlIjoiYW5vbiJ9.c2lnbmF0dXJlc2lnbmF0dXJl'
    expect(parseConfig({ ...good, SUPABASE_PUBLISHABLE_KEY: anon })).toMatchObject({ supabaseKey: anon })
  })

  it.each([
    ['SUPABASE_URL', { SUPABASE_URL: undefined }],
    ['SUPABASE_URL', { SUPABASE_URL: 'not a url' }],
    ['SUPABASE_URL', { SUPABASE_URL: 'ftp://abcd.supabase.co' }],
    ['SUPABASE_PUBLISHABLE_KEY', { SUPABASE_PUBLISHABLE_KEY: 'short' }],
    ['SITE_URL', { SITE_URL: 'javascript:alert(1)' }],
    ['SITE_URL', { SITE_URL: 'https://user:secret@www.example.com' }],
    ['ALLOWED_REDIRECT_ORIGINS', { ALLOWED_REDIRECT_ORIGINS: 'https://app.example.com/path' }],
    ['ALLOWED_REDIRECT_ORIGINS', { ALLOWED_REDIRECT_ORIGINS: '*.example.com' }],
    ['COOKIE_DOMAIN', { COOKIE_DOMAIN: 'example.com; secure' }],
    ['PASSWORD_MIN_LENGTH', { PASSWORD_MIN_LENGTH: '4' }],
    ['CONFIRM_MODE', { CONFIRM_MODE: 'yolo' }],
    ['UPSTREAM_TIMEOUT_MS', { UPSTREAM_TIMEOUT_MS: 'soon' }],
  ])('names %s when it is missing or malformed', (key, patch) => {
    const config = parseConfig({ ...good, ...patch })
    expect(config).toBeInstanceOf(ConfigError)
    expect((config as ConfigError).keys).toEqual([key])
  })

  it('memoises per env object', () => {
    const env = { ...good }
    expect(loadConfig(env)).toBe(loadConfig(env))
  })
})

describe('a misconfigured deployment', () => {
  it('answers with a page and a log line that name the key but never its value', async () => {
    const secretish = 'sb_publishable_do-not-echo-me'
    const lines: string[] = []
    vi.spyOn(console, 'error').mockImplementation((line: unknown) => void lines.push(String(line)))
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)))
    // A visitor opens the reset page of a Worker deployed without SUPABASE_URL.
    const res = await app.request('https://auth.example.com/account/forgot-password', {}, {
      SUPABASE_PUBLISHABLE_KEY: secretish,
      SITE_URL: 'https://www.example.com',
    })
    expect(res.status).toBe(500)
    const html = await res.text()
    expect(html).toContain('SUPABASE_URL')
    expect(html).toContain('not configured correctly')
    expect(html).not.toContain(secretish)
    expect(res.headers.get('cache-control')).toContain('no-store')
    expect(lines.join('\n')).toContain('"keys":["SUPABASE_URL"]')
    expect(lines.join('\n')).not.toContain(secretish)
  })

  it('reports itself unhealthy on /healthz', async () => {
    const res = await app.request('https://auth.example.com/healthz', {}, { SITE_URL: 'nope' })
    expect(res.status).toBe(500)
    expect(await res.json()).toEqual({
      status: 'error',
      config: 'invalid',
      keys: ['SITE_URL', 'SUPABASE_PUBLISHABLE_KEY', 'SUPABASE_URL'],
    })
  })
})

describe('keys that must never be the publishable key', () => {
  it.each([
    ['a secret key', () => 'sb_secret_0123456789abcdefghijklmnop'],
    ['a secret key with spaces around it', () => '  sb_secret_0123456789abcdefghijklmnop '],
    ['the legacy service_role JWT', () => inject('serviceRoleKey')],
  ])('refuses %s in SUPABASE_PUBLISHABLE_KEY, naming the binding only', (_name, key) => {
    const result = parseConfig({ ...good, SUPABASE_PUBLISHABLE_KEY: key() })
    expect(result).toBeInstanceOf(ConfigError)
    if (!(result instanceof ConfigError)) return
    expect(result.keys).toEqual(['SUPABASE_PUBLISHABLE_KEY'])
    expect(result.message).not.toContain(key().trim())
  })

  it.each([
    ['a publishable key', () => 'sb_publishable_0123456789abcdefghij'],
    ['the legacy anon JWT', () => inject('anonKey')],
  ])('accepts %s', (_name, key) => {
    expect(parseConfig({ ...good, SUPABASE_PUBLISHABLE_KEY: key() })).not.toBeInstanceOf(ConfigError)
  })

  it('derives the session cookie name from the project URL as supabase-js does', () => {
    const config = parseConfig(good)
    expect(config instanceof ConfigError ? undefined : config.sessionCookieName).toBe('sb-abcd1234-auth-token')
  })
})
