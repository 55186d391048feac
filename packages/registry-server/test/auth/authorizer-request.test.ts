import { describe, expect, it } from 'vitest'
import type { AuthorizeInput } from '../../src/index.js'
import { startLocalRegistry } from '../../src/index.js'

// A cloud's IAM names one action per endpoint (a tag list is not a manifest read), so an
// authorizer is told which endpoint and method each request addresses, with its query.
describe('the request an authorizer is asked about', () => {
  const digest = `sha256:${'a'.repeat(64)}`
  it.each([
    ['GET', '/v2/', 'version'],
    ['GET', '/v2/_catalog', 'catalog'],
    ['GET', '/v2/team/app/tags/list', 'tags'],
    ['HEAD', '/v2/team/app/manifests/latest', 'manifest'],
    ['DELETE', `/v2/team/app/manifests/${digest}`, 'manifest'],
    ['GET', `/v2/team/app/blobs/${digest}`, 'blob'],
    ['POST', '/v2/team/app/blobs/uploads/?digest=x', 'uploads'],
    ['PATCH', '/v2/team/app/blobs/uploads/some-session', 'upload'],
    ['GET', `/v2/team/app/referrers/${digest}`, 'referrers'],
    ['DELETE', '/_artifact-registry/repositories/team/app', 'repository'],
    ['POST', '/_artifact-registry/gc', 'gc'],
  ])('%s %s is the %s endpoint', async (method, path, endpoint) => {
    const seen: AuthorizeInput[] = []
    await using registry = await startLocalRegistry({
      authorize: (input) => {
        seen.push(input)
        return { ok: false, reason: 'denied' }
      },
    })
    const res = await fetch(`${registry.url}${path}`, { method })
    await res.body?.cancel()
    expect(res.status).toBe(403)
    expect(seen).toHaveLength(1)
    expect(seen[0]?.request).toMatchObject({ method, endpoint })
    expect(seen[0]?.request.searchParams.get('digest')).toBe(path.includes('digest=') ? 'x' : null)
  })

  it("a mount's check of its source repository is asked as a blob read there", async () => {
    const seen: AuthorizeInput[] = []
    await using registry = await startLocalRegistry({
      authorize: (input) => {
        seen.push(input)
        return input.access[0]?.name === 'source'
          ? { ok: false, reason: 'denied' }
          : { ok: true, subject: 'pusher' }
      },
    })
    const query = `mount=sha256:${'b'.repeat(64)}&from=source`
    const res = await fetch(`${registry.url}/v2/target/blobs/uploads/?${query}`, {
      method: 'POST',
    })
    await res.body?.cancel()
    expect(res.status).toBe(202)
    expect(seen.map((input) => [input.access[0]?.name, input.request.endpoint])).toEqual([
      ['target', 'uploads'],
      ['source', 'blob'],
    ])
    expect(seen[0]?.request.searchParams.get('from')).toBe('source')
    expect(seen[1]?.request.method).toBe('GET')
  })
})
