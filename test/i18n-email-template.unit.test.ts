/**
 * The localised recovery templates (templates/localized/) as the stand-in renders them (its Go
 * html/template look-alike, local-auth/template.ts): the token and address filled in, the link keeping
 * its `lang` so the Worker's pages open in the email's language (and remember it).
 */
import { describe, expect, it } from 'vitest'
import { renderTemplate } from '../local-auth/template'
import ar from '../templates/localized/recovery.ar.html?raw'
import de from '../templates/localized/recovery.de.html?raw'

const data = { Email: 'jamie@example.com', SiteURL: 'https://auth.example.com', TokenHash: 'pkce_abc123', Token: '123456' }

describe.each([
  ['de', de, 'Passwort zurücksetzen'],
  ['ar', ar, 'إعادة تعيين كلمة المرور'],
])('templates/localized/recovery.%s.html', (lang, source, heading) => {
  it('renders with the link, the code and the address, in its language', () => {
    const html = renderTemplate(source, data)
    expect(html).toContain(heading)
    expect(html).toContain(`href="https://auth.example.com/auth/confirm?token_hash=pkce_abc123&type=recovery&next=/account/update-password&lang=${lang}"`)
    expect(html).toContain('123456')
    expect(html).toContain('jamie@example.com')
    expect(html).not.toMatch(/\{\{/)
  })
})
