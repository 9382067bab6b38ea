/**
 * The Management API subset (`GET`/`PATCH /v1/projects/{ref}/config/auth`, local-auth/management.ts):
 * token and ref checks, field validation that applies nothing unless every field passes, and the
 * stand-in following what a PATCH sets (redirect allow-list, templates and subjects, password minimum,
 * email budget), until /__local/reset restores the start options.
 */
import { describe, expect, it } from 'vitest'
import { LOCAL_ACCESS_TOKEN, LOCAL_PROJECT_REF } from '../management'
import { PASSWORD, useLocalAuth } from './helpers'

const h = useLocalAuth({ siteUrl: 'https://www.example.test', passwordMinLength: 10 })

function management(method: 'GET' | 'PATCH', body?: unknown, options: { token?: string; ref?: string } = {}) {
  return fetch(`${h.auth.url}/v1/projects/${options.ref ?? LOCAL_PROJECT_REF}/config/auth`, {
    method,
    headers: { Authorization: `Bearer ${options.token ?? LOCAL_ACCESS_TOKEN}`, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  })
}

async function config(): Promise<Record<string, unknown>> {
  return (await (await management('GET')).json()) as Record<string, unknown>
}

describe('Management API: access', () => {
  it('answers 401 without the access token, and 404 for another project', async () => {
    expect((await management('GET', undefined, { token: 'sbp_wrong' })).status).toBe(401)
    const noAuth = await fetch(`${h.auth.url}/v1/projects/${LOCAL_PROJECT_REF}/config/auth`)
    expect(noAuth.status).toBe(401)
    expect(await noAuth.json()).toEqual({ message: 'Unauthorized' })
    expect((await management('GET', undefined, { ref: 'abcdefghijklmnopqrst' })).status).toBe(404)
  })

  it('serves the live settings under the Management API field names', async () => {
    expect(await config()).toMatchObject({
      site_url: 'https://www.example.test',
      uri_allow_list: '',
      password_min_length: 10,
      rate_limit_email_sent: 360000,
      security_sb_forwarded_for_enabled: false,
      smtp_host: null,
      mailer_subjects_recovery: 'Reset Your Password',
      mailer_templates_recovery_content: expect.stringContaining('{{ .SiteURL }}/auth/confirm?token_hash={{ .TokenHash }}'),
    })
  })
})

describe('Management API: validation', () => {
  it.each([
    [{ password_min_length: 5 }, 'password_min_length must not be less than 6'],
    [{ password_min_length: '8' }, 'password_min_length must be an integer number'],
    [{ rate_limit_email_sent: 0 }, 'rate_limit_email_sent must not be less than 1'],
    [{ site_url: 'https://a.test,https://b.test' }, 'site_url must match'],
    [{ security_sb_forwarded_for_enabled: 'yes' }, 'security_sb_forwarded_for_enabled must be a boolean value'],
    [{ mailer_subjects_recovery: 3 }, 'mailer_subjects_recovery must be a string'],
    [{ site_urll: 'https://typo.test' }, 'property site_urll should not exist'],
  ])('refuses %j with 400 naming the field, and applies nothing', async (body, message) => {
    const res = await management('PATCH', { password_min_length: 12, ...body })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { message: string[] }).message.join('; ')).toContain(message)
    expect((await config()).password_min_length).toBe(10)
  })

  it('refuses a body that is not JSON', async () => {
    const res = await management('PATCH', '{"password_min_length":')
    expect(res.status).toBe(400)
  })
})

describe('Management API: the stand-in follows its config', () => {
  it('password minimum, redirect allow-list, template and subject, email budget; reset restores them', async () => {
    const patched = await management('PATCH', {
      password_min_length: 8,
      uri_allow_list: 'https://auth.example.test/auth/confirm**',
      mailer_templates_recovery_content: '<h2>Hi</h2><a href="https://auth.example.test/auth/confirm?token_hash={{ .TokenHash }}&type=recovery">go</a>',
      mailer_subjects_recovery: 'Reset it',
      rate_limit_email_sent: 1,
      smtp_host: 'smtp.example.test',
      smtp_pass: 'smtp-secret',
    })
    expect(patched.status).toBe(200)
    const after = (await patched.json()) as Record<string, unknown>
    expect(after).toMatchObject({ password_min_length: 8, smtp_host: 'smtp.example.test', smtp_pass: '******', rate_limit_email_sent: 1 })
    expect(JSON.stringify(after)).not.toContain('smtp-secret')

    // A 9-character password is now long enough.
    const signup = await h.api('/signup', { method: 'POST', body: JSON.stringify({ email: 'nine@example.com', password: 'nine-char' }) })
    expect(signup.status).toBe(200)
    // The redirect is allowed and the email uses the new template and subject.
    await h.control.createUser({ email: 'reset@example.com', password: PASSWORD })
    const recover = await h.api('/recover?redirect_to=' + encodeURIComponent('https://auth.example.test/auth/confirm?next=/x'), {
      method: 'POST',
      body: JSON.stringify({ email: 'reset@example.com' }),
    })
    // The budget of 1 went on the signup confirmation: Supabase refuses the reset email.
    expect(recover.status).toBe(429)
    await management('PATCH', { rate_limit_email_sent: 100 })
    const again = await h.api('/recover', { method: 'POST', body: JSON.stringify({ email: 'reset@example.com' }) })
    expect(again.status).toBe(200)
    const email = await h.control.latestMessageTo('reset@example.com')
    expect(email.Subject).toBe('Reset it')
    expect(email.HTML).toMatch(/^<h2>Hi<\/h2><a href="https:\/\/auth\.example\.test\/auth\/confirm\?token_hash=[0-9a-f]+&type=recovery">go<\/a>$/)

    await h.control.reset()
    expect(await config()).toMatchObject({ password_min_length: 10, uri_allow_list: '', smtp_host: null, mailer_subjects_recovery: 'Reset Your Password' })
  })

  it('null or an empty string puts a template back to the file', async () => {
    await management('PATCH', { mailer_templates_recovery_content: '<p>x</p>' })
    await management('PATCH', { mailer_templates_recovery_content: null })
    expect((await config()).mailer_templates_recovery_content).toContain('{{ .TokenHash }}')
  })
})
