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
