/**
 * The fast base64url → text decoder (src/lib/base64url-text.ts) must give exactly what @supabase/ssr's
 * own decoder gives wherever it answers at all, and step aside (undefined) for input ssr would read
 * differently or refuse. Properties over text, random bytes and random strings.
 */
import { stringFromBase64URL, stringToBase64URL } from '@supabase/ssr'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { textFromBase64Url } from '../src/lib/base64url-text'

/** ssr's answer, or the fact that it threw. */
function ssrDecode(value: string): string | { threw: true } {
  try {
    return stringFromBase64URL(value)
  } catch {
    return { threw: true }
  }
}

const base64Url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')

describe('textFromBase64Url', () => {
  it('reads any text ssr encoded (sessions with any Unicode in them) exactly as ssr reads it back', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (text) => {
        // Compared with ssr's decoder, not with `text`: ssr's encoder garbles some astral characters
        // (U+20000 comes back as U+10000), and what matters is reading the cookie as ssr would.
        const encoded = stringToBase64URL(text)
        expect(textFromBase64Url(encoded)).toBe(ssrDecode(encoded))
      }),
      { numRuns: 500 },
    )
  })

  it('on random bytes, answers only where ssr gives the same text', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const encoded = base64Url(bytes)
        const fast = textFromBase64Url(encoded)
        if (fast !== undefined) expect(ssrDecode(encoded)).toBe(fast)
      }),
      { numRuns: 2000 },
    )
  })

  it('on random strings (whitespace, padding, other characters), answers only where ssr gives the same text', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'AZaz09-_+/= \n\u00e9'.split('')), maxLength: 40 }), (value) => {
        const fast = textFromBase64Url(value)
        if (fast !== undefined) expect(ssrDecode(value)).toBe(fast)
      }),
      { numRuns: 2000 },
    )
  })

  it('keeps a leading byte-order mark, as ssr does', () => {
    const encoded = stringToBase64URL('\uFEFF{"a":1}')
    expect(ssrDecode(encoded)).toBe('\uFEFF{"a":1}')
    expect(textFromBase64Url(encoded)).toBe(ssrDecode(encoded))
  })

  it.each([
    ['padding', 'YQ=='],
    ['whitespace', 'Y Q'],
    ['standard base64 characters', 'a+/a'],
    ['a dangling 6 bits', 'YQA'.slice(0, 1)],
    ['invalid UTF-8 (a lone continuation byte)', base64Url(new Uint8Array([0x80]))],
    ['an overlong encoding', base64Url(new Uint8Array([0xc0, 0x80]))],
    ['a truncated sequence', base64Url(new Uint8Array([0x61, 0xe2, 0x82]))],
  ])('steps aside for %s', (_name, value) => {
    expect(textFromBase64Url(value)).toBeUndefined()
  })
})
