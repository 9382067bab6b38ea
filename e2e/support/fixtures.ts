/**
 * The Playwright `test` for these specs: every test's pages open the Worker (baseURL), each browser
 * context is its own visitor with its own client IP (the `CF-Connecting-IP` header wrangler dev passes
 * through, as the integration tests do), so the Worker's per-IP edge limits (10 reset requests a minute)
 * count per visitor rather than across the whole suite. Per-address limits still apply: tests use fresh
 * users. `control` drives the stand-in (users, clock, outbox); `newVisitor` opens another browser context
 * (another device, or another person) that is closed after the test.
 */
import { test as base, type BrowserContext, type BrowserContextOptions, type Page } from '@playwright/test'
import { localAuthControl, type LocalAuthControl } from '../../local-auth/client'
import { type StackInfo, stackInfo } from './stack-info'

export { expect } from '@playwright/test'

/** A private-range address, random per visitor. */
export function randomIp(): string {
  const byte = () => Math.floor(Math.random() * 254) + 1
  return `10.${byte()}.${byte()}.${byte()}`
}

export interface E2EFixtures {
  readonly stack: StackInfo
  readonly control: LocalAuthControl
  /** A fresh browser context (no cookies: another device) with its own IP; returns its first page. */
  readonly newVisitor: (options?: BrowserContextOptions) => Promise<Page>
  /** The second site (SITES, on localhost): a visitor's page there, and its project's stand-in. */
  readonly siteB: { readonly visit: (options?: BrowserContextOptions) => Promise<Page>; readonly control: LocalAuthControl }
}

export const test = base.extend<E2EFixtures>({
  stack: async ({}, use) => {
    await use(stackInfo())
  },
  control: async ({ stack }, use) => {
    const control = localAuthControl(stack.authUrl)
    await use(control)
    await control.clearFaults() // a test that failed before its injected fault was used leaves none behind
  },
  baseURL: async ({}, use) => {
    await use(stackInfo().workerUrl)
  },
  extraHTTPHeaders: async ({}, use) => {
    await use({ 'CF-Connecting-IP': randomIp() })
  },
  newVisitor: async ({ browser, stack }, use) => {
    const contexts: BrowserContext[] = []
    await use(async (options = {}) => {
      const context = await browser.newContext({
        baseURL: stack.workerUrl,
        ...options,
        extraHTTPHeaders: { 'CF-Connecting-IP': randomIp(), ...options.extraHTTPHeaders },
      })
      contexts.push(context)
      return context.newPage()
    })
    for (const context of contexts) await context.close()
  },
  siteB: async ({ newVisitor, stack }, use) => {
    await use({ visit: (options = {}) => newVisitor({ baseURL: stack.siteBUrl, ...options }), control: localAuthControl(stack.siteBAuthUrl) })
  },
})
