import { afterEach, expect, it, vi } from 'vitest'
import { CredentialStore } from '../../src/auth/credential-store.js'

// A credential is valid for exactly its TTL: refused from the millisecond of `expiresAt`, by the
// password check and by the question tokens ask. Over HTTP only a margin of 100 ms is tested.

afterEach(() => {
  vi.useRealTimers()
})

it('a credential is refused from the very millisecond it expires', async () => {
  vi.useFakeTimers({ toFake: ['Date'] })
  const store = await CredentialStore.open(undefined)
  const cred = await store.mint('instant/app', 'pull', 60)
  vi.setSystemTime(cred.expiresAt.getTime() - 1)
  expect(store.check(cred.username, cred.password).status).toBe('valid')
  expect(store.isActive(cred.username)).toBe(true)
  vi.setSystemTime(cred.expiresAt)
  expect(store.check(cred.username, cred.password).status).toBe('expired')
  expect(store.isActive(cred.username)).toBe(false)
})
