/**
 * The localised recovery template (templates/localized/recovery.html: one template, a branch per
 * language on the user's metadata, as Supabase runs it) rendered by the stand-in's Go html/template
 * look-alike (local-auth/template.ts), and that engine's conditionals themselves.
 */
import { describe, expect, it } from 'vitest'
import { renderTemplate } from '../local-auth/template'
import localized from '../templates/localized/recovery.html?raw'

const data = (locale?: string) => ({
  Email: 'jamie@example.com',
  SiteURL: 'https://auth.example.com',
  TokenHash: 'pkce_abc123',
  Token: '123456',
  Data: locale === undefined ? {} : { locale },
})

describe('templates/localized/recovery.html', () => {
  it.each([
    ['de', 'Passwort zurücksetzen', '&lang=de"'],
    ['ar', 'إعادة تعيين كلمة المرور', '&lang=ar"'],
    ['fr', 'Reset your password', '"'],
    [undefined, 'Reset your password', '"'],
  ])('locale %s: one language, with the link, the code and the address', (locale, heading, linkEnd) => {
    const html = renderTemplate(localized, data(locale))
    expect(html).toContain(heading)
    expect(html).toContain(`href="https://auth.example.com/auth/confirm?token_hash=pkce_abc123&type=recovery&next=/account/update-password${linkEnd}`)
    expect(html).toContain('123456')
    expect(html).toContain('jamie@example.com')
    expect(html).not.toMatch(/\{\{/)
    // Only the chosen branch: no other language's heading.
    for (const other of ['Passwort zurücksetzen', 'إعادة تعيين كلمة المرور', 'Reset your password'].filter((h) => h !== heading)) {
      expect(html).not.toContain(other)
    }
  })
})

describe('the stand-in template engine: conditionals', () => {
  it.each([
    ['eq, else if, else', '{{ if eq .Data.l "a" }}A{{ else if eq .Data.l "b" }}B{{ else }}C{{ end }}', { Data: { l: 'b' } }, 'B'],
    ['the first true branch only', '{{ if eq .Data.l "a" }}A{{ else if .Data.l }}any{{ else }}C{{ end }}', { Data: { l: 'a' } }, 'A'],
    ['a missing field is false', '{{ if .Data.missing }}yes{{ else }}no{{ end }}', { Data: {} }, 'no'],
    ['nested, inside a false branch', '{{ if .A }}{{ if .B }}ab{{ else }}a{{ end }}{{ else }}-{{ end }}', { A: '', B: 'x' }, '-'],
    ['nested, inside a true branch', '<p>{{ if .A }}{{ if .B }}ab{{ else }}a{{ end }}{{ end }}</p>', { A: 'x', B: '' }, '<p>a</p>'],
    ['no value from a branch not taken', '{{ if .A }}{{ .B }}{{ else }}-{{ end }}', { A: '', B: 'leak' }, '-'],
    ['values still escaped inside a branch', '{{ if .A }}{{ .A }}{{ end }}', { A: '<b>' }, '&lt;b&gt;'],
  ])('%s', (_name, source, values, want) => {
    expect(renderTemplate(source, values)).toBe(want)
  })
})
