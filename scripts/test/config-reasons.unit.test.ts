/**
 * The doctor's reasons for a refused setting (scripts/ops/config-reasons.ts): every key the Worker can
 * name gets a sentence of its own, a slip gets the name it was meant to be, and a name far from every
 * setting gets no guess.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { LIMITER_NAMES } from '../../src/config'
import { SITE_KEYS } from '../../src/sites'
import { closestName, explainConfigKey, misspeltBindings } from '../ops/config-reasons'

describe('explainConfigKey', () => {
  it('explains every setting a site can hold, at the top level and in SITES, with a sentence of its own', () => {
    for (const key of SITE_KEYS) {
      const top = explainConfigKey(key)
      expect(top, key).not.toMatch(/^not /)
      expect(explainConfigKey(`SITES.auth.a.test.${key}`, 'auth.a.test'), key).toBe(top)
    }
  })

  it('names the field meant by a misspelt BRANDING field, at the top level and in a site', () => {
    expect(explainConfigKey('BRANDING.acent')).toBe('not a BRANDING field; did you mean accent?')
    expect(explainConfigKey('SITES.a.test.BRANDING.backgroundDrak', 'a.test')).toBe('not a BRANDING field; did you mean backgroundDark?')
    expect(explainConfigKey('BRANDING.accent')).toContain('WCAG AA contrast')
  })

  it('a site whose named secret is not a secret key is told so, not that SUPABASE_SECRET_KEY is misspelt', () => {
    expect(explainConfigKey('SITES.a.test.SUPABASE_SECRET_KEY', 'a.test')).toMatch(/^the Worker secret named by this site's SUPABASE_SECRET_KEY_BINDING must hold an sb_secret_/)
  })

  it('a hostname key that is not one (a port, a scheme) is explained as such', () => {
    expect(explainConfigKey('SITES.auth.a.test:8787')).toMatch(/^a SITES key is a bare hostname/)
    expect(explainConfigKey('SITES')).toContain('valid JSON')
  })
})

describe('misspeltBindings', () => {
  it('finds a slip of one or two letters in any setting or limiter name, and names the one meant', () => {
    // The top level's names (SUPABASE_SECRET_KEY_BINDING is read only inside SITES).
    const names = [...[...SITE_KEYS].filter((name) => name !== 'SUPABASE_SECRET_KEY_BINDING'), ...LIMITER_NAMES, 'SITES']
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.nat(), fc.constantFrom('drop', 'double', 'swap'), (name, at, slip) => {
        const i = at % (name.length - 1)
        const slipped =
          slip === 'drop' ? name.slice(0, i) + name.slice(i + 1) : slip === 'double' ? name.slice(0, i) + name[i] + name.slice(i) : name.slice(0, i) + name[i + 1] + name[i] + name.slice(i + 2)
        if (slipped === name || names.includes(slipped)) return
        const found = misspeltBindings([slipped])
        expect(found).toHaveLength(1)
        // The nearest known name: the one slipped from, or another just as close.
        expect(closestName(slipped, [name])).toBe(name)
      }),
    )
  })

  it('leaves alone the settings themselves and names far from every setting (other Workers’ vars)', () => {
    const topLevel = [...SITE_KEYS].filter((name) => name !== 'SUPABASE_SECRET_KEY_BINDING')
    expect(misspeltBindings([...topLevel, ...LIMITER_NAMES, 'SITES', 'AUTH_EVENTS', 'ASSETS', 'SUPABASE_SECRET_KEY'])).toEqual([])
    expect(misspeltBindings(['SENTRY_DSN', 'API_TOKEN', 'FEATURE_FLAGS', 'DATABASE_URL', 'DEV', 'ENVS'])).toEqual([])
  })

  it('catches a setting in the wrong case, and a site-only setting at the top level', () => {
    expect(misspeltBindings(['site_url', 'Cookie_Domain'])).toEqual([
      { name: 'site_url', advice: 'did you mean SITE_URL?' },
      { name: 'Cookie_Domain', advice: 'did you mean COOKIE_DOMAIN?' },
    ])
    expect(misspeltBindings(['SUPABASE_SECRET_KEY_BINDING'])[0]?.advice).toContain('only inside a SITES entry')
  })
})
