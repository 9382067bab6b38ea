/**
 * `npm run bench:log-line` compares ours with the same bundle minus the request log's console.log call.
 * That what-if is only honest if exactly that call goes and the bundle is otherwise byte for byte the
 * same, so the edit is checked on the request log as the minifier writes it, and refused when the call
 * is not found exactly once (a renamed variable, a second log line, a change of shape).
 */
import { describe, expect, it } from 'vitest'
import { withoutLogCall } from '../log-line'

const minified = 'function x(){let l=`{"msg":"request"`;console.log(`${l},"ms":${Date.now()-t}}`),u(c)}console.error(JSON.stringify(e))'

describe('withoutLogCall', () => {
  it('takes out the request log call and nothing else', () => {
    const out = withoutLogCall(minified)
    expect(out).not.toContain('console.log(')
    expect(out).toContain('console.error(JSON.stringify(e))')
    expect(out.replace('(void 0,', 'console.log(')).toBe(minified)
    // Still JavaScript that builds the line: only the call is gone.
    expect(() => new Function(out)).not.toThrow()
  })

  it('refuses a bundle where the call is missing or appears twice', () => {
    expect(() => withoutLogCall('console.log("hello")')).toThrow(/exactly once.*found 0/)
    expect(() => withoutLogCall(`${minified};${minified}`)).toThrow(/exactly once.*found 2/)
  })

  it('finds the call in the bundle as src/middleware/request-log.ts writes it', async () => {
    const { readFile } = await import('node:fs/promises')
    const source = await readFile(new URL('../../src/middleware/request-log.ts', import.meta.url), 'utf8')
    // The source's call, with the variable named as the minifier might: the pattern must not depend on the name.
    const call = /console\.log\(`\$\{line\},"ms":\$\{Date\.now\(\) - started\}\}`\)/.exec(source)?.[0]
    expect(call).toBeDefined()
    expect(() => withoutLogCall(call!.replace('line', 'a$').replace(' - ', '-'))).not.toThrow()
  })
})
