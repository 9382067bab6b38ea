/**
 * Pure parts of the breached-password check (src/lib/breached-password.ts) and its configuration:
 * SHA-1 split into the 5-character prefix and the suffix, reading range answers (padding, order,
 * line endings, malformed answers), the refusal rule, and the BREACHED_PASSWORD_* bindings.
 * Properties with fast-check where the input space is large.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ConfigError, parseConfig } from '../src/config'
import { hashForRange, isBreached, isRangeShape, lookUpSuffix, MAX_RANGE_BYTES } from '../src/lib/breached-password'

const hex35 = fc.string({ unit: fc.constantFrom(...'0123456789ABCDEF'), minLength: 35, maxLength: 35 })

describe('hashForRange', () => {
  it('splits SHA-1 into an upper-case 5-character prefix and 35-character suffix', async () => {
    // SHA-1("password") = 5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8 (Pwned Passwords' own example).
    expect(await hashForRange('password')).toEqual({ prefix: '5BAA6', suffix: '1E4C9B93F3F0682250B6CF8331B7EE68FD8' })
    // UTF-8, as Pwned Passwords hashes: SHA-1("pässwörd").
    const { prefix, suffix } = await hashForRange('pässwörd')
    expect(prefix + suffix).toMatch(/^[0-9A-F]{40}$/)
  })

  it('always yields exactly 5 + 35 upper-case hex characters, whatever the password', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 72 }), async (password) => {
        const { prefix, suffix } = await hashForRange(password)
        expect(prefix).toMatch(/^[0-9A-F]{5}$/)
        expect(suffix).toMatch(/^[0-9A-F]{35}$/)
      }),
      { numRuns: 200 },
    )
  })
})

describe('lookUpSuffix', () => {
  const entries = fc.uniqueArray(fc.tuple(hex35, fc.nat({ max: 10_000_000 })), { selector: ([s]) => s, minLength: 1, maxLength: 60 })

  it('finds the count of exactly its own line, wherever it is, with LF or CRLF, any case', () => {
    fc.assert(
      fc.property(entries, fc.nat(), fc.boolean(), fc.boolean(), (list, pick, crlf, lower) => {
        const [target, count] = list[pick % list.length] as [string, number]
        const body = list.map(([s, c]) => `${lower ? s.toLowerCase() : s}:${c}`).join(crlf ? '\r\n' : '\n')
        expect(lookUpSuffix(body, target)).toEqual({ ok: true, count })
        expect(lookUpSuffix(`${body}\r\n`, target)).toEqual({ ok: true, count })
      }),
    )
  })

  it('gives 0 for a suffix not in the answer, and for padding lines (count 0)', () => {
    fc.assert(
      fc.property(entries, hex35, (list, target) => {
        fc.pre(!list.some(([s]) => s === target))
        const body = list.map(([s, c]) => `${s}:${c}`).join('\r\n')
        expect(lookUpSuffix(body, target)).toEqual({ ok: true, count: 0 })
        expect(lookUpSuffix(`${body}\r\n${target}:0`, target)).toEqual({ ok: true, count: 0 })
      }),
    )
  })

  it('does not match a line that differs in one character only, wherever that is', () => {
    fc.assert(
      fc.property(hex35, fc.nat({ max: 34 }), (target, at) => {
        const flipped = target[at] === '0' ? '1' : '0'
        const near = `${target.slice(0, at)}${flipped}${target.slice(at + 1)}`
        expect(lookUpSuffix(`${near}:99\r\n${target.toLowerCase()}:0`, target)).toEqual({ ok: true, count: 0 })
      }),
    )
  })

  it.each([
    ['an empty answer', ''],
    ['an HTML error page', '<html><body>502</body></html>'],
    ['a JSON answer', '{"count":3}'],
    ['a 34-character suffix', `${'A'.repeat(34)}:3`],
    ['a missing count', `${'A'.repeat(35)}:`],
    ['a negative count', `${'A'.repeat(35)}:-1`],
    ['a blank line in the middle', `${'A'.repeat(35)}:1\r\n\r\n${'B'.repeat(35)}:2`],
    ['one good line then garbage', `${'A'.repeat(35)}:1\r\nnot a line`],
    ['an answer over the size cap', `${'A'.repeat(35)}:1\r\n`.repeat(Math.ceil(MAX_RANGE_BYTES / 38) + 1)],
  ])('says %s is malformed (the caller fails open)', (_name, body) => {
    expect(lookUpSuffix(body, 'A'.repeat(35))).toEqual({ ok: false })
  })
})

describe('isBreached', () => {
  it('never refuses a count of 0 (padding or not in the set), whatever the minimum', () => {
    fc.assert(
      fc.property(fc.integer({ min: -5, max: 1_000_000 }), (min) => {
        expect(isBreached(0, min)).toBe(false)
      }),
    )
  })

  it('refuses exactly from the minimum on', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 1_000_000 }), (count, min) => {
        expect(isBreached(count, min)).toBe(count >= min)
      }),
    )
  })
})

describe('BREACHED_PASSWORD_* bindings', () => {
  const good = {
    SUPABASE_URL: 'https://abcd1234.supabase.co',
    SUPABASE_PUBLISHABLE_KEY: 'sb_publishable_0123456789abcdefghij',
    SITE_URL: 'https://www.example.com',
  }

  it('default to on, a minimum of 1, Pwned Passwords and a 1 s timeout', () => {
    const config = parseConfig(good)
    if (config instanceof ConfigError) throw config
    expect(config.breachedPassword).toEqual({ enabled: true, minCount: 1, apiUrl: 'https://api.pwnedpasswords.com', timeoutMs: 1000 })
    expect(Object.isFrozen(config.breachedPassword)).toBe(true)
  })

  it('read off, a minimum, a mirror URL (trailing slash dropped) and a timeout', () => {
    const config = parseConfig({
      ...good,
      BREACHED_PASSWORD_CHECK: 'off',
      BREACHED_PASSWORD_MIN_COUNT: '10',
      BREACHED_PASSWORD_API_URL: 'https://pwned.internal.example/mirror/',
      BREACHED_PASSWORD_TIMEOUT_MS: '250',
    })
    if (config instanceof ConfigError) throw config
    expect(config.breachedPassword).toEqual({ enabled: false, minCount: 10, apiUrl: 'https://pwned.internal.example/mirror', timeoutMs: 250 })
  })

  it.each([
    ['BREACHED_PASSWORD_CHECK', 'yes'],
    ['BREACHED_PASSWORD_MIN_COUNT', '0'],
    ['BREACHED_PASSWORD_MIN_COUNT', '1.5'],
    ['BREACHED_PASSWORD_API_URL', 'ftp://mirror.example'],
    ['BREACHED_PASSWORD_API_URL', 'https://user:secret@mirror.example'],
    ['BREACHED_PASSWORD_API_URL', 'https://mirror.example/?key=secret'],
    ['BREACHED_PASSWORD_TIMEOUT_MS', '60000'],
  ])('name %s=%s as bad, without echoing it', (key, value) => {
    const config = parseConfig({ ...good, [key]: value })
    expect(config).toBeInstanceOf(ConfigError)
    expect((config as ConfigError).keys).toEqual([key])
    expect((config as ConfigError).message).not.toContain(value)
  })
})

describe('isRangeShape', () => {
  // The shape, written as the one anchored pattern: the oracle (slower in workerd, so not the implementation).
  const shapeRe = /^(?:[0-9A-Fa-f]{35}:\d{1,12}\r?\n)*[0-9A-Fa-f]{35}:\d{1,12}\r?\n?$/
  const line = fc.tuple(hex35, fc.nat({ max: 999_999_999_999 })).map(([s, c]) => `${s}:${c}`)
  const validBody = fc
    .tuple(fc.array(fc.tuple(line, fc.constantFrom('\n', '\r\n')), { minLength: 0, maxLength: 6 }), line, fc.constantFrom('', '\n', '\r\n', '\r'))
    .map(([lines, last, end]) => lines.map(([l, nl]) => l + nl).join('') + last + end)
  // Valid bodies with characters replaced, inserted or removed, drawn from the characters that matter.
  const mutated = fc
    .tuple(validBody, fc.array(fc.tuple(fc.nat(), fc.constantFrom('0', 'a', 'G', ':', '\r', '\n', '-', ' ', ''), fc.boolean()), { maxLength: 3 }))
    .map(([body, edits]) =>
      edits.reduce((b, [at, ch, insert]) => {
        const i = b.length === 0 ? 0 : at % b.length
        return b.slice(0, i) + ch + b.slice(insert ? i : i + 1)
      }, body),
    )
  const noise = fc.string({ unit: fc.constantFrom(...'0A9f:\r\n-x'.split('')), maxLength: 120 })

  it('accepts exactly what the anchored pattern accepts (valid, mutated and random bodies)', () => {
    fc.assert(
      fc.property(fc.oneof(validBody, mutated, noise), (body) => {
        fc.pre(body.length > 0)
        expect(isRangeShape(body)).toBe(shapeRe.test(body))
      }),
      { numRuns: 20_000 },
    )
    expect(isRangeShape('')).toBe(false)
  })
})
