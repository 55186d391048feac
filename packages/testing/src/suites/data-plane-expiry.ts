import { type ArtifactRegistry, resolveTtl } from '@artifact-registry/core'
import { type DataPlaneTest, repositoryWithImage } from './data-plane-fixture.js'
import { expectRefused } from './data-plane-outcome.js'

/** How far past the `expiresAt` it is given `dataPlane.expire` goes when the caller does not say. */
const DEFAULT_OVERSHOOT_MS = 1_000

/**
 * How long before `expiresAt` the credentials are checked to still work: 2.5 times the overshoot
 * of `expire`, so that the pull has at least 1.5 times as long again before the expiry, and
 * never less than 2.5 s.
 */
function marginOf(overshootMs: number): number {
  return Math.max(2_500, Math.ceil(overshootMs * 2.5))
}

/**
 * Credentials work until shortly before their `expiresAt` and are refused, for pull and push,
 * after it: the reported expiry is the one the registry enforces, neither later (credentials
 * outlive what the caller was told) nor much earlier (credentials the caller still holds for
 * valid stop working). The registry is brought to each moment by `dataPlane.expire`, given the
 * credentials with `expiresAt` moved back by the margin for the first. The lifetime asked for is
 * twice the margin and a second (6 s by default): on a registry that expires credentials in real
 * time, the test waits that long.
 */
export async function expiryTest<R extends ArtifactRegistry>(c: DataPlaneTest<R>): Promise<void> {
  const { name, image } = await repositoryWithImage(c)
  const rule = c.r.capabilities.credentialTtl
  const margin = marginOf(c.dataPlane.expireOvershootMs ?? DEFAULT_OVERSHOOT_MS)
  const requested = resolveTtl(rule, Math.ceil((2 * margin) / 1000) + 1).seconds
  const credentials = await c.r.generateCredentials(name, 'push-pull', { ttlSeconds: requested })
  const expiresAt = credentials.expiresAt?.getTime()
  if (expiresAt === undefined) throw new Error('the credentials have no expiresAt to expire at')
  const expiring = await c.skopeo.login(credentials)
  // A platform that does not honour the request says how long they live only through expiresAt.
  const lifetime = rule.honoursRequest ? requested * 1000 : expiresAt - Date.now()
  // A platform whose longest lifetime is shorter than the margin leaves no moment to check.
  if (lifetime > margin) {
    await c.dataPlane.expire({ ...credentials, expiresAt: new Date(expiresAt - margin) })
    c.t
      .expect(
        await expiring.pull(name, image.tag),
        `a pull ${margin} ms before expiresAt must still work`,
      )
      .toBe(image.manifestDigest)
  }
  await c.dataPlane.expire(credentials)
  await expectRefused(c.t, expiring.pull(name, image.tag), 'a pull with expired credentials')
  await expectRefused(c.t, expiring.push(image, name), 'a push with expired credentials')
}
