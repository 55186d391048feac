import {
  type ArtifactRegistry,
  type ArtifactRegistryCredentials,
  type Permission,
  resolveTtl,
} from '@artifact-registry/core'
import { type DataPlaneTest, repositoryWithImage } from './data-plane-fixture.js'
import { expectRefused } from './data-plane-outcome.js'
import type { SkopeoLogin } from './data-plane-skopeo.js'

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
 * Credentials of both permission levels work until shortly before their `expiresAt` and are
 * refused after it: the reported expiry is the one the registry enforces, neither later
 * (credentials outlive what the caller was told) nor much earlier (credentials the caller still
 * holds for valid stop working). Both levels, because a provider may mint them on separate paths
 * (another role, another cache), and a pull credential that outlives its `expiresAt` leaks as
 * much as a push one. The registry is brought to each moment by `dataPlane.expire`: first with
 * the earlier `expiresAt` moved back by the margin, then with the later one. The lifetime asked
 * for is twice the margin and a second (6 s by default): on a registry that expires credentials
 * in real time, the test waits that long.
 */
export async function expiryTest<R extends ArtifactRegistry>(c: DataPlaneTest<R>): Promise<void> {
  const { name, image } = await repositoryWithImage(c)
  const rule = c.r.capabilities.credentialTtl
  const margin = marginOf(c.dataPlane.expireOvershootMs ?? DEFAULT_OVERSHOOT_MS)
  const requested = resolveTtl(rule, Math.ceil((2 * margin) / 1000) + 1).seconds
  const held: Expiring[] = []
  for (const permission of ['push-pull', 'pull'] as const) {
    const credentials = await c.r.generateCredentials(name, permission, { ttlSeconds: requested })
    const expiresAt = credentials.expiresAt?.getTime()
    if (expiresAt === undefined) throw new Error('the credentials have no expiresAt to expire at')
    held.push({ permission, credentials, expiresAt, login: await c.skopeo.login(credentials) })
  }
  const [first, last] = [...held].sort((a, b) => a.expiresAt - b.expiresAt)
  if (first === undefined || last === undefined) throw new Error('no credentials were minted')
  // A platform that does not honour the request says how long they live only through expiresAt.
  const lifetime = rule.honoursRequest ? requested * 1000 : first.expiresAt - Date.now()
  // A platform whose longest lifetime is shorter than the margin leaves no moment to check.
  if (lifetime > margin) {
    await c.dataPlane.expire({
      ...first.credentials,
      expiresAt: new Date(first.expiresAt - margin),
    })
    // At once: the margin leaves time for one pull before the earlier expiry, not for two in turn.
    const pulled = await Promise.all(held.map(({ login }) => login.pull(name, image.tag)))
    held.forEach(({ permission }, i) => {
      c.t
        .expect(
          pulled[i],
          `a pull with ${permission} credentials ${margin} ms before expiresAt must still work`,
        )
        .toBe(image.manifestDigest)
    })
  }
  await c.dataPlane.expire(last.credentials)
  for (const { permission, login } of held) {
    await expectRefused(
      c.t,
      login.pull(name, image.tag),
      `a pull with expired ${permission} credentials`,
    )
  }
  const pusher = held.find(({ permission }) => permission === 'push-pull')
  if (pusher !== undefined)
    await expectRefused(
      c.t,
      pusher.login.push(image, name),
      'a push with expired push-pull credentials',
    )
}

/** Credentials the expiry test holds, logged in. */
interface Expiring {
  readonly permission: Permission
  readonly credentials: ArtifactRegistryCredentials
  readonly expiresAt: number
  readonly login: SkopeoLogin
}
