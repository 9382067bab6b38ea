/**
 * src/lib/crypto.ts: its hand-written base64url (no padding) must match the standard encoding, since
 * CSRF tokens and the confirmed-link cookie are compared as strings.
 */
import { describe, expect, it } from 'vitest'
import { randomToken, sha256, timingSafeEqualStrings } from '../src/lib/crypto'

/** The textbook encoding, for reference: btoa over a binary string, then the URL-safe alphabet. */
function referenceBase64url(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

describe('crypto helpers', () => {
  it('sha256 is SHA-256 in base64url, for known and random inputs of every length', async () => {
    // FIPS 180-2 test vector "abc".
    expect(await sha256('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0')
    for (let length = 0; length < 80; length++) {
      const value = Array.from(crypto.getRandomValues(new Uint8Array(length)), (b) => String.fromCharCode(32 + (b % 95))).join('')
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(value)))
      expect(await sha256(value)).toBe(referenceBase64url(digest))
    }
  })

  it('randomToken is 32 random bytes in base64url: 43 URL-safe characters, never repeated', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 500; i++) {
      const token = randomToken()
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
      seen.add(token)
    }
    expect(seen.size).toBe(500)
  })

  it('timingSafeEqualStrings compares whole strings', () => {
    expect(timingSafeEqualStrings('abc', 'abc')).toBe(true)
    expect(timingSafeEqualStrings('abc', 'abd')).toBe(false)
    expect(timingSafeEqualStrings('abc', 'ab')).toBe(false)
    // Every character counts, the first included, and a prefix of the other string is not equal to it.
    expect(timingSafeEqualStrings('xbc', 'abc')).toBe(false)
    expect(timingSafeEqualStrings('ab', 'abc')).toBe(false)
    expect(timingSafeEqualStrings('', 'abc')).toBe(false)
  })
})
