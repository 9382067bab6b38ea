/**
 * The doctor's CAPTCHA check (scripts/ops/project.ts): a project with CAPTCHA protection on refuses the
 * Worker's reset requests, which carry no CAPTCHA token (supabase/auth internal/api/middleware.go:257-260),
 * so every reset email would silently not go. The local stand-in has no CAPTCHA setting, so the
 * project's answer is given here as the Management API's JSON.
 */
import { describe, expect, it } from 'vitest'
import { ConfigError, parseConfig } from '../../src/config'
import { projectChecks } from '../ops/project'

function captcha(current: Record<string, unknown>, secretKey?: string) {
  const config = parseConfig({
    SUPABASE_URL: 'https://abcdefghijklmnopqrst.supabase.co',
    SUPABASE_PUBLISHABLE_KEY: 'sb_publishable_0000000000000000000000',
    SITE_URL: 'https://www.example.com',
    ...(secretKey ? { SUPABASE_SECRET_KEY: secretKey } : {}),
  })
  if (config instanceof ConfigError) throw new Error(config.keys.join())
  return projectChecks(current, { config, workerOrigin: 'https://auth.example.com', multiSite: false }, []).find((c) => c.id === 'captcha')
}

describe('the doctor on CAPTCHA protection', () => {
  it('passes when it is off (or the setting is absent)', () => {
    expect(captcha({ security_captcha_enabled: false })?.status).toBe('pass')
    expect(captcha({})?.status).toBe('pass')
  })

  it('fails when it is on and the Worker has no secret key: no reset email would ever go', () => {
    const check = captcha({ security_captcha_enabled: true, security_captcha_provider: 'turnstile' })
    expect(check?.status).toBe('fail')
    expect(check?.detail).toContain('Supabase refuses every reset request (captcha_failed)')
    expect(check?.detail).toContain('reset_email captcha_required')
    expect(check?.fix).toContain('turn off CAPTCHA protection under Authentication → Attack Protection')
  })

  it('warns with a secret key (admin credentials skip the check; whether the gateway counts that key cannot be seen from here)', () => {
    const check = captcha({ security_captcha_enabled: true }, 'sb_secret_0000000000000000000000')
    expect(check?.status).toBe('warn')
    expect(check?.fix).toContain('send yourself a reset email')
  })
})
