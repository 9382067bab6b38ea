/**
 * Which keys a session's JWT is checked against (src/lib/signing-keys.ts): the site's own project's,
 * and only when they hold the token's kid; otherwise fetch the set (first use, too old, a rotated key),
 * and a kid the fresh set lacks is no session of this site.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { textFromBase64Url } from '../src/lib/base64url-text'
import { afterFetch, decideKeys, jwtHeader, KEYS_TTL_MS, keysOf, UNKNOWN_KID_REFETCH_MS, type KeyCache } from '../src/lib/signing-keys'

const NOW = 1_800_000_000_000
const cache = (kids: string[], age = 0): KeyCache => ({ keys: kids.map((kid) => ({ kid, kty: 'EC' })), fetchedAt: NOW - age })

describe('decideKeys', () => {
  it.each([
    ['HS256: the project checks it (GET /user)', { alg: 'HS256', kid: 'a' }, cache(['a']), 'remote'],
    ['no kid', { alg: 'ES256' }, cache(['a']), 'remote'],
    ['no alg', { kid: 'a' }, cache(['a']), 'remote'],
    ['its kid in a fresh set', { alg: 'ES256', kid: 'a' }, cache(['a', 'b']), 'use'],
    ['no set yet', { alg: 'ES256', kid: 'a' }, undefined, 'fetch'],
    ['its kid only in a set older than the TTL', { alg: 'ES256', kid: 'a' }, cache(['a'], KEYS_TTL_MS), 'fetch'],
    ['a kid a set over a minute old lacks (a rotated key, or another project)', { alg: 'ES256', kid: 'z' }, cache(['a'], UNKNOWN_KID_REFETCH_MS), 'fetch'],
    ['a kid a set fetched in the last minute lacks: not this project’s, no fetch', { alg: 'ES256', kid: 'z' }, cache(['a'], UNKNOWN_KID_REFETCH_MS - 1), 'unknown'],
  ])('%s → %s', (_name, header, keys, kind) => {
    expect(decideKeys(header, keys, NOW).kind).toBe(kind)
  })

  it('never hands over keys that lack the token’s kid, or a set past its TTL (property)', () => {
    const kid = fc.constantFrom('a', 'b', 'c', '', 'kid-1')
    fc.assert(
      fc.property(fc.record({ alg: fc.constantFrom('ES256', 'RS256', 'HS256', '', undefined), kid: fc.option(kid, { nil: undefined }) }), fc.option(fc.record({ kids: fc.array(kid, { maxLength: 4 }), age: fc.integer({ min: 0, max: 2 * KEYS_TTL_MS }) }), { nil: undefined }), (header, set) => {
        const decision = decideKeys(header, set && cache(set.kids, set.age), NOW)
        if (decision.kind === 'use') {
          expect(decision.keys.some((key) => key.kid === header.kid)).toBe(true)
          expect(set && set.age < KEYS_TTL_MS).toBe(true)
        }
        // However many requests name kids it lacks, the set is fetched at most once a minute for them.
        if (decision.kind === 'fetch' && set && !(set.kids as readonly unknown[]).includes(header.kid)) expect(set.age).toBeGreaterThanOrEqual(UNKNOWN_KID_REFETCH_MS)
      }),
      { seed: 29, numRuns: 2000 },
    )
  })
})

describe('afterFetch, jwtHeader, keysOf', () => {
  it('after a fetch: the set if it holds the kid, else not a session of this site', () => {
    expect(afterFetch({ kid: 'a' }, cache(['a'])).kind).toBe('use')
    expect(afterFetch({ kid: 'z' }, cache(['a'])).kind).toBe('unknown')
  })

  it('reads a JWT header, and nothing from what is not one', () => {
    const b64 = (value: unknown) => btoa(JSON.stringify(value)).replaceAll('=', '').replaceAll('+', '-').replaceAll('/', '_')
    expect(jwtHeader(`${b64({ alg: 'ES256', kid: 'k' })}.e30.sig`, textFromBase64Url)).toEqual({ alg: 'ES256', kid: 'k' })
    for (const token of ['', 'garbage', `${b64([1, 2])}.e30.s`, `${b64('text')}.e30.s`, '%%%.e30.s']) expect(jwtHeader(token, textFromBase64Url)).toBeUndefined()
  })

  it('takes the keys of a JWKS answer, and nothing else', () => {
    expect(keysOf({ keys: [{ kid: 'a', kty: 'EC' }, 'junk', null, [1]] })).toEqual([{ kid: 'a', kty: 'EC' }])
    for (const body of [undefined, null, 'x', {}, { keys: 'x' }]) expect(keysOf(body)).toBeUndefined()
  })
})
