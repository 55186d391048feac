import type { ArtifactRegistryCredentials } from '@artifact-registry/core'
import { requireTool, type SkopeoWorkspace, skopeoWorkspace } from '@artifact-registry/test-kit'
import { startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { providerFor, uniqueLogical } from './helpers.js'

// Credentials used as a registry client uses them, against the fake's registry, which checks each
// request against the token, the STS session behind it and its session policy, as ECR does.

const TIMEOUT = 60_000
// Without skopeo this file fails, never skips: a skip would hide the tag-list check.
const missingSkopeo = requireTool('skopeo')
if (missingSkopeo !== undefined) throw new Error(missingSkopeo)
const fake = await startAwsFake()

let workspace: SkopeoWorkspace
beforeAll(async () => {
  workspace = await skopeoWorkspace('provider-aws-data-plane-')
})
afterAll(async () => {
  await fake.close()
  await workspace?.[Symbol.asyncDispose]()
})

function reference(credentials: ArtifactRegistryCredentials, name: string, tag = ''): string {
  return `docker://${credentials.registry}/${name}${tag === '' ? '' : `:${tag}`}`
}

async function pushed(): Promise<{ name: string; other: string }> {
  const registry = await providerFor(fake)
  const { name } = await registry.createRepository(uniqueLogical('tags'))
  const { name: other } = await registry.createRepository(uniqueLogical('other'))
  for (const repository of [name, other]) {
    const pusher = await registry.generateCredentials(repository, 'push-pull')
    await workspace.skopeo.run(
      'copy',
      '--dest-tls-verify=false',
      ...(await workspace.login(pusher)),
      workspace.image.reference,
      reference(pusher, repository, 'v1'),
    )
  }
  return { name, other }
}

describe('pull credentials and tag listing', () => {
  it(
    'skopeo list-tags works with pull credentials, on their repository only',
    async () => {
      const { name, other } = await pushed()
      const registry = await providerFor(fake)
      const puller = await registry.generateCredentials(name, 'pull')
      const listed = await workspace.skopeo.run(
        'list-tags',
        '--tls-verify=false',
        ...(await workspace.login(puller)),
        reference(puller, name),
      )
      expect(JSON.parse(listed.stdout)).toEqual({ Repository: expect.any(String), Tags: ['v1'] })
      const refused = await workspace.skopeo.fails(
        'list-tags',
        '--tls-verify=false',
        ...(await workspace.login(puller)),
        reference(puller, other),
      )
      expect(refused.stderr).toMatch(/denied|403/i)
    },
    TIMEOUT,
  )
})

describe('expiresAt is when the registry stops accepting the credentials', () => {
  it('a 15-minute session carries a 12-hour token: the credentials end with the session', async () => {
    const registry = await providerFor(fake)
    const { name } = await registry.createRepository(uniqueLogical('expiry'))
    const credentials = await registry.generateCredentials(name, 'pull', { ttlSeconds: 900 })
    const token = fake.authorizationTokens.at(-1)
    expect(token?.expiresAt.getTime()).toBeGreaterThan(fake.now() + 11 * 3600_000)
    const expiresAt = credentials.expiresAt?.getTime() ?? 0
    const basic = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')
    const pull = async (): Promise<number> => {
      const res = await fetch(`http://${credentials.registry}/v2/${name}/manifests/latest`, {
        headers: { authorization: `Basic ${basic}` },
      })
      await res.body?.cancel()
      return res.status
    }
    fake.advanceClock((expiresAt - fake.now()) / 1000 - 5)
    expect(await pull()).toBe(404) // accepted: the repository has no image yet
    fake.advanceClock(5)
    expect(await pull()).toBe(401)
  })
})
