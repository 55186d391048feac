import { describe, expect, it } from 'vitest'
import { startLocalRegistry } from '../../src/index.js'

// A registry that never creates repositories on push (ECR) refuses a repository it does not
// hold as the distribution spec says: 404 NAME_UNKNOWN, not 403.
describe("an authorizer's name-unknown refusal", () => {
  it.each([
    ['POST', '/v2/missing/blobs/uploads/'],
    ['GET', '/v2/missing/manifests/v1'],
  ])('%s %s is 404 NAME_UNKNOWN', async (method, path) => {
    await using registry = await startLocalRegistry({
      authorize: () => ({ ok: false, reason: 'name-unknown' }),
    })
    const res = await fetch(`${registry.url}${path}`, { method })
    expect(res.status).toBe(404)
    const body = (await res.json()) as { errors: { code: string }[] }
    expect(body.errors[0]?.code).toBe('NAME_UNKNOWN')
  })
})
