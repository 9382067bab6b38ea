/**
 * The local range server answers like Pwned Passwords' range API (format, padding, prefix checks),
 * and its control API (faults, request log, added passwords) does what the Worker's tests rely on.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { localPwnedControl } from '../client'
import { sha1Hex, startLocalPwned, type LocalPwned } from '../index'

let server: LocalPwned
const control = () => localPwnedControl(server.url)
const lineRe = /^[0-9A-F]{35}:\d+$/

beforeAll(async () => {
  server = await startLocalPwned()
})
afterAll(() => server.stop())
beforeEach(() => control().reset())

const range = (prefix: string, padding = true) =>
  fetch(`${server.url}/range/${prefix}`, { headers: padding ? { 'Add-Padding': 'true' } : {} })

describe('GET /range/{prefix}', () => {
  it('lists a known breached password with its count, in upper-case SUFFIX:COUNT lines joined by CRLF', async () => {
    const hash = sha1Hex('password123')
    const res = await range(hash.slice(0, 5).toLowerCase())
    expect(res.status).toBe(200)
    const lines = (await res.text()).split('\r\n')
    expect(lines.every((line) => lineRe.test(line))).toBe(true)
    expect(lines).toContain(`${hash.slice(5)}:2000000`)
    expect([...lines].sort()).toEqual(lines)
  })

  it('pads to 800–1,000 lines with count-0 entries only when asked', async () => {
    const padded = (await (await range('ABCDE')).text()).split('\r\n')
    expect(padded.length).toBeGreaterThanOrEqual(800)
    expect(padded.length).toBeLessThanOrEqual(1000)
    const plain = (await (await range('ABCDE', false)).text()).split('\r\n')
    expect(plain.some((line) => line.endsWith(':0'))).toBe(false)
    expect(plain.length).toBeLessThan(500)
    // The real (non-zero) entries are the same either way; padding adds only zeros.
    expect(padded.filter((line) => !line.endsWith(':0'))).toEqual(plain)
  })

  it('refuses a prefix that is not 5 hex characters, like the real API', async () => {
    for (const prefix of ['ABCD', 'ABCDEF', 'GHIJK', sha1Hex('x')]) expect((await range(prefix)).status).toBe(400)
  })

  it('logs what it received, headers included', async () => {
    await range('00000')
    const [logged] = await control().requests()
    expect(logged).toMatchObject({ method: 'GET', path: '/range/00000', query: '', body_bytes: 0 })
    expect(logged?.headers['add-padding']).toBe('true')
  })
})

describe('control API', () => {
  it('knows added passwords', async () => {
    const prefix = await control().addPassword('a test-only leak', 7)
    expect(await (await range(prefix)).text()).toContain(`${sha1Hex('a test-only leak').slice(5)}:7`)
  })

  it('fails, garbles, drops and slows the next answers', async () => {
    await control().injectFault({ mode: 'fail', status: 503 })
    expect((await range('11111')).status).toBe(503)
    await control().injectFault({ mode: 'garble', body: 'not:a:range' })
    expect(await (await range('11111')).text()).toBe('not:a:range')
    await control().injectFault({ mode: 'drop' })
    await expect(range('11111')).rejects.toThrow()
    await control().injectFault({ mode: 'slow', delay_ms: 300 })
    const started = Date.now()
    expect((await range('11111')).status).toBe(200)
    expect(Date.now() - started).toBeGreaterThanOrEqual(280)
    expect((await range('11111')).status).toBe(200) // faults are used up
  })
})
