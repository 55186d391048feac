import { describe, expect, it } from 'vitest'
import { local } from '../../src/index.js'

// A routable name handed back inside the namespace but outside the OCI grammar (upper case, a
// space, `..`, over 255 characters) names no repository the provider could have returned. It is
// the caller's mistake, answered INVALID_NAME before any request, as a malformed name is: not a
// bare "answered 400" (INVALID_ARGUMENT) from the registry, nor INTERNAL from the embedded one.

const NOT_OCI_NAMES = [
  'artifacts/App',
  'artifacts/my app',
  'artifacts/a..b',
  `artifacts/${'a'.repeat(250)}`,
]

describe('routable names that are no OCI repository name', () => {
  it('give INVALID_NAME naming the name from every method, before any request', async () => {
    await using registry = await local({ bindingName: 'artifacts' })
    for (const name of NOT_OCI_NAMES) {
      for (const call of [
        () => registry.getRepository(name),
        () => registry.deleteRepository(name),
        () => registry.generateCredentials(name, 'pull'),
        () => registry.revokeCredentials({ repository: name }),
      ]) {
        const err = await call().then(
          () => undefined,
          (error: unknown) => error,
        )
        expect(err, name).toMatchObject({ code: 'INVALID_NAME', platform: 'local' })
        expect((err as Error).message).toContain(`"${name}" is not an OCI repository name`)
      }
    }
  })
})

describe('routable names docker can use', () => {
  it('keep the whole image name, host and port included, within 255 characters', async () => {
    await using registry = await local({ bindingName: `${'b'.repeat(100)}/artifacts` })
    const host = new URL(registry.registryEndpoint).host
    const { name, uri } = await registry.createRepository(`Adapted ${'x'.repeat(500)}`)
    expect(uri).toBe(`${host}/${name}`)
    expect(uri?.length).toBe(255)
    expect(name).toMatch(/-x[0-9a-f]{24}$/)
    // Kept as given only while it fits beside the host.
    const fits = 'k'.repeat(255 - host.length - 1 - registry.bindingName.length - 1)
    expect((await registry.createRepository(fits)).name).toBe(`${registry.bindingName}/${fits}`)
    const over = (await registry.createRepository(`${fits}k`)).name
    expect(over).toMatch(/-x[0-9a-f]{24}$/)
    expect(`${host}/${over}`.length).toBeLessThanOrEqual(255)
  })

  it('refuses a bindingName that leaves no room for an adapted name beside the host', async () => {
    const url = `http://${'h'.repeat(60)}.example:5000`
    const err = await local({ url, bindingName: 'b'.repeat(200) }).then(
      () => undefined,
      (error: unknown) => error,
    )
    // 255 - 73 (host:port) - 1 leaves 181; the slash and an adapted name take 28.
    expect(err).toMatchObject({
      code: 'INVALID_CONFIG',
      issues: [{ path: 'bindingName', message: expect.stringContaining('at most 153') }],
    })
  })
})
