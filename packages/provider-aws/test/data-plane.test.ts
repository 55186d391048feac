import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ArtifactRegistryCredentials } from '@artifact-registry/core'
import {
  containersSandbox,
  type LayoutFixture,
  requireTool,
  type SandboxedTool,
  writeRandomImage,
} from '@artifact-registry/test-kit'
import { startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { providerFor, uniqueLogical } from './helpers.js'
import { writeAuthFile } from './registry-auth-file.js'

// Credentials used as a registry client uses them, against the fake's registry, which checks each
// request against the token, the STS session behind it and its session policy, as ECR does.

const TIMEOUT = 60_000
// Without skopeo this file fails, never skips: a skip would hide the tag-list check.
const missingSkopeo = requireTool('skopeo')
if (missingSkopeo !== undefined) throw new Error(missingSkopeo)
const fake = await startAwsFake()

let work: string
let skopeo: SandboxedTool
let image: LayoutFixture
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'provider-aws-data-plane-'))
  const sandbox = await containersSandbox(join(work, 'containers'))
  skopeo = sandbox.tool('skopeo', sandbox.policyArgs)
  image = await writeRandomImage(join(work, 'image'), { layers: 1, layerBytes: 512 })
})
afterAll(async () => {
  await fake.close()
  await rm(work, { recursive: true, force: true })
})

function reference(credentials: ArtifactRegistryCredentials, name: string, tag = ''): string {
  return `docker://${credentials.registry}/${name}${tag === '' ? '' : `:${tag}`}`
}

/** `--authfile` with the credentials: the password goes in a file, never on a command line. */
async function login(credentials: ArtifactRegistryCredentials): Promise<string[]> {
  return ['--authfile', await writeAuthFile(work, credentials)]
}

async function pushed(): Promise<{ name: string; other: string }> {
  const registry = await providerFor(fake)
  const { name } = await registry.createRepository(uniqueLogical('tags'))
  const { name: other } = await registry.createRepository(uniqueLogical('other'))
  for (const repository of [name, other]) {
    const pusher = await registry.generateCredentials(repository, 'push-pull')
    await skopeo.run(
      'copy',
      '--dest-tls-verify=false',
      ...(await login(pusher)),
      image.reference,
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
      const listed = await skopeo.run(
        'list-tags',
        '--tls-verify=false',
        ...(await login(puller)),
        reference(puller, name),
      )
      expect(JSON.parse(listed.stdout)).toEqual({ Repository: expect.any(String), Tags: ['v1'] })
      const refused = await skopeo.fails(
        'list-tags',
        '--tls-verify=false',
        ...(await login(puller)),
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
