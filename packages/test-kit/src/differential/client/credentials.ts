import { setTimeout as delay } from 'node:timers/promises'
import type { Permission } from '@artifact-registry/core'
import { answerAs, type ClientScenario, dockerRef, freshLayout, needs } from './scenario.js'

const TTL_SECONDS = 600

/** generateCredentials for `permission`: Basic, for this registry, expiring at the TTL. */
function credentialsFor(permission: Permission, key: 'pull' | 'pushPull'): ClientScenario {
  return {
    id: `credentials-${permission}`,
    title: `generateCredentials(${permission}) gives Basic credentials expiring at the TTL`,
    outcome: /^basic for <registry>, expires after the TTL$/,
    async run(context) {
      const name = needs(context.state.repository, 'create-repository').name
      const before = Date.now()
      const creds = await context.target.provider.generateCredentials(name, permission, {
        ttlSeconds: TTL_SECONDS,
      })
      context.state[key] = creds
      const drift = (creds.expiresAt?.getTime() ?? 0) - (before + TTL_SECONDS * 1000)
      const expiry = Math.abs(drift) <= 5000 ? 'expires after the TTL' : `expiry off by ${drift} ms`
      return { outcome: `${creds.authMethod} for ${creds.registry}, ${expiry}` }
    },
  }
}

/** Pull credentials. */
export const pullCredentials: ClientScenario = credentialsFor('pull', 'pull')
/** Push-pull credentials. */
export const pushPullCredentials: ClientScenario = credentialsFor('push-pull', 'pushPull')

/** Credentials work until they expire, and are refused from then on. */
export const expiredCredentials: ClientScenario = {
  id: 'expired-credentials',
  title: 'expired credentials are refused',
  outcome: /^pulled before expiry; refused after$/,
  // Expired credentials are no credentials: the token realm refuses them, on both targets.
  detail: /^token request 401$/,
  async run(context) {
    const name = needs(context.state.repository, 'create-repository').name
    // 10 s: the pull below must finish before expiry even on a loaded machine, and a token is
    // good only until the whole second before its expiry.
    const creds = await context.target.provider.generateCredentials(name, 'pull', {
      ttlSeconds: 10,
    })
    const image = dockerRef(context, `${name}:v1`)
    await context.skopeo.pull(image, await freshLayout(context, 'v1'), creds)
    // A second of margin: expiry is checked against the clock with second precision.
    await delay(Math.max(0, (creds.expiresAt?.getTime() ?? 0) - Date.now()) + 1000)
    const layout = await freshLayout(context, 'v1')
    await context.skopeo.refused((skopeo) => skopeo.pull(image, layout, creds))
    const detail = await answerAs(context, creds, 'GET', `/v2/${name}/manifests/v1`)
    return { outcome: 'pulled before expiry; refused after', detail }
  },
}
