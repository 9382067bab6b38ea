/**
 * Which cookies sign-out's fallback deletes: every storage item auth-js's own sign-out removes, as
 * @supabase/ssr names them, whole or chunked, and nothing else (other cookies, other projects' items,
 * planted names no Set-Cookie could carry back).
 */
import { describe, expect, it } from 'vitest'
import { cookiesToClear, isSessionCookie, isSessionItem, replacedSessionCookies } from '../src/lib/session-items'

const KEY = 'sb-abcd1234-auth-token'

describe('isSessionItem', () => {
  it.each([
    KEY,
    `${KEY}.0`,
    `${KEY}.10`,
    `${KEY}-code-verifier`,
    `${KEY}-code-verifier.1`,
    `${KEY}-flows-code-verifier`,
    `${KEY}-flow-c41b10e51119a93a0fbe4863d2a8163e-code-verifier`,
    `${KEY}-flow-Ab_9-xY_z-code-verifier.0`,
    `${KEY}-user`,
  ])('deletes %s', (name) => {
    expect(isSessionItem(name, KEY)).toBe(true)
  })

  it.each([
    `${KEY}.(`,
    `${KEY}.`,
    `${KEY}.123`,
    `${KEY}x`,
    `${KEY}-flow-short-code-verifier`,
    `${KEY}-flow-${'a'.repeat(65)}-code-verifier`,
    `${KEY}-flow-ok_flow_id-code-verifier-extra`,
    `${KEY}-user.x`,
    'sb-other-auth-token',
    '__Host-auth-csrf',
    'auth-lang',
  ])('leaves %s alone', (name) => {
    expect(isSessionItem(name, KEY)).toBe(false)
  })
})

describe('isSessionCookie (what a client that ignores the session does not see)', () => {
  it.each([KEY, `${KEY}.0`, `${KEY}.10`, `${KEY}-user`, `${KEY}-user.1`])('hides %s', (name) => {
    expect(isSessionCookie(name, KEY)).toBe(true)
  })

  it.each([
    `${KEY}-code-verifier`,
    `${KEY}-code-verifier.1`,
    `${KEY}-flows-code-verifier`,
    `${KEY}-flow-c41b10e51119a93a0fbe4863d2a8163e-code-verifier`,
    `${KEY}.123`,
    `${KEY}x`,
    'sb-other-auth-token',
    '__Host-auth-csrf',
  ])('shows %s', (name) => {
    expect(isSessionCookie(name, KEY)).toBe(false)
  })
})

describe('cookiesToClear', () => {
  const sent = [KEY, `${KEY}.1`, `${KEY}-code-verifier`, `${KEY}.(`, '__Host-auth-csrf', 'auth-lang']

  it('deletes each item host-only, and with COOKIE_DOMAIN once more domain-wide (a copy from before it was set)', () => {
    expect(cookiesToClear(sent, KEY, '.example.com')).toEqual([
      { name: KEY },
      { name: KEY, domain: '.example.com' },
      { name: `${KEY}.1` },
      { name: `${KEY}.1`, domain: '.example.com' },
      { name: `${KEY}-code-verifier` },
      { name: `${KEY}-code-verifier`, domain: '.example.com' },
    ])
  })

  it('without COOKIE_DOMAIN, host-only only', () => {
    expect(cookiesToClear(sent, KEY, undefined)).toEqual([{ name: KEY }, { name: `${KEY}.1` }, { name: `${KEY}-code-verifier` }])
  })
})

describe('replacedSessionCookies (a new session over one the client was not shown)', () => {
  const sent = [KEY, `${KEY}.0`, `${KEY}.1`, `${KEY}-user`, `${KEY}-code-verifier`, '__Host-auth-csrf']

  it('deletes every old session cookie the new value does not overwrite, and leaves the rest', () => {
    expect(replacedSessionCookies(sent, new Set([KEY]), KEY, undefined)).toEqual([{ name: `${KEY}.0` }, { name: `${KEY}.1` }, { name: `${KEY}-user` }])
  })

  it('with COOKIE_DOMAIN: those in both scopes, and the host-only copy of each name it overwrites', () => {
    expect(replacedSessionCookies(sent, new Set([`${KEY}.0`, `${KEY}.1`]), KEY, '.example.com')).toEqual([
      { name: KEY },
      { name: KEY, domain: '.example.com' },
      { name: `${KEY}.0` },
      { name: `${KEY}.1` },
      { name: `${KEY}-user` },
      { name: `${KEY}-user`, domain: '.example.com' },
    ])
  })

  it('nothing when the browser sent no session', () => {
    expect(replacedSessionCookies([`${KEY}-code-verifier`, 'auth-lang'], new Set([KEY]), KEY, '.example.com')).toEqual([])
  })
})
