import { describe, expect, it } from 'vitest'
import type { RouteContext } from '../../src/http.js'
import { deleteRepository } from '../../src/routes/repositories.js'
import { AuthService } from '../../src/token-service/auth-service.js'

// Deleting a repository revokes its credentials before the content goes, so no old credential
// gets in meanwhile. A credential minted after that revocation but before the deletion ended (by
// another process, which saw the repository still there) would outlive the delete and reach the
// repository created again under the name: the route revokes once more when the content is gone.

describe('DELETE /_artifact-registry/repositories/<name>', () => {
  it('revokes a credential minted while the content was being deleted', async () => {
    const auth = await AuthService.open({ admin: { username: 'admin', password: 'x'.repeat(16) } })
    const before = await auth.mint('team/app', 'pull', 3600)
    let contentGone = (): void => {}
    let deleting = (): void => {}
    const deletionStarted = new Promise<void>((resolve) => (deleting = resolve))
    const ctx = {
      repository: 'team/app',
      auth,
      store: {
        deleteRepository: () =>
          new Promise<void>((resolve) => {
            contentGone = resolve
            deleting()
          }),
      },
      uploads: { cancelRepository: async () => {} },
      res: { writeHead: () => undefined, end: () => undefined },
    } as unknown as RouteContext

    const route = deleteRepository(ctx)
    await deletionStarted
    expect(auth.stillHolds(before.username)).toBe(false)
    const meanwhile = await auth.mint('team/app', 'push-pull', 3600)
    const elsewhere = await auth.mint('team/other', 'pull', 3600)
    contentGone()
    await route
    expect(auth.stillHolds(meanwhile.username)).toBe(false)
    expect(auth.stillHolds(elsewhere.username)).toBe(true)
  })
})
