import { request } from 'node:https'
import type { ArtifactRegistryCredentials } from '@artifact-registry/core'
import type { AzureFake } from '@artifact-registry/testing/fakes/azure'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fakeProvider, startStrictAzureFake } from './fixtures.js'

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** One HTTPS request to the fake's login server, trusting only its CA. */
function send(
  fake: AzureFake,
  method: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, fake.url), { method, headers, ca: fake.ca }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      )
    })
    req.on('error', reject)
    req.end()
  })
}

/**
 * What docker, podman and skopeo do with a username and password: meet the registry's Bearer
 * challenge, take its realm and service, and fetch a token there by GET with Basic auth for
 * `scope`. Resolves to the Bearer token, or to the refusal.
 */
async function clientToken(
  fake: AzureFake,
  credentials: ArtifactRegistryCredentials,
  scope: string,
): Promise<string | Answer> {
  const challenge = String((await send(fake, 'GET', '/v2/')).headers['www-authenticate'])
  const realm = /realm="([^"]+)"/.exec(challenge)?.[1] ?? ''
  const service = /service="([^"]+)"/.exec(challenge)?.[1] ?? ''
  const query = new URLSearchParams({ account: credentials.username, service, scope })
  const basic = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')
  const answer = await send(fake, 'GET', `${new URL(realm).pathname}?${query}`, {
    authorization: `Basic ${basic}`,
  })
  if (answer.status !== 200) return answer
  return (JSON.parse(answer.body) as { access_token: string }).access_token
}

// Credentials are used as registry clients use them: Basic, through ACR's Bearer challenge.
describe('credentials in a registry client', () => {
  let fake: AzureFake
  beforeAll(async () => {
    fake = await startStrictAzureFake()
  })
  afterAll(() => fake.close())

  it('pull credentials log in with the null GUID and pull the repository', async () => {
    const registry = await fakeProvider(fake)
    const { name } = await registry.createRepository('login-pull')
    const digest = await fake.seedImage(name, 'v1')
    const credentials = await registry.generateCredentials(name, 'pull')
    const token = await clientToken(fake, credentials, `repository:${name}:pull`)
    expect(typeof token).toBe('string')
    const manifest = await send(fake, 'GET', `/v2/${name}/manifests/v1`, {
      authorization: `Bearer ${String(token)}`,
      accept: 'application/vnd.oci.image.manifest.v1+json',
    })
    expect([manifest.status, manifest.headers['docker-content-digest']]).toEqual([200, digest])
  })

  it('push-pull credentials delete a manifest', async () => {
    const registry = await fakeProvider(fake)
    const { name } = await registry.createRepository('login-delete')
    const digest = await fake.seedImage(name, 'v1')
    const credentials = await registry.generateCredentials(name, 'push-pull')
    const token = await clientToken(fake, credentials, `repository:${name}:delete`)
    const deleted = await send(fake, 'DELETE', `/v2/${name}/manifests/${digest}`, {
      authorization: `Bearer ${String(token)}`,
    })
    expect(deleted.status).toBe(202)
    expect(await fake.getRepositoryContent(name)).toMatchObject({ tags: [] })
  })

  it('credentials are refused once ACR says they expired', async () => {
    const registry = await fakeProvider(fake)
    const { name } = await registry.createRepository('login-expired')
    const credentials = await registry.generateCredentials(name, 'pull')
    fake.advanceClock(((credentials.expiresAt?.getTime() ?? 0) - fake.now()) / 1000 + 1)
    const refused = await clientToken(fake, credentials, `repository:${name}:pull`)
    expect(refused).toMatchObject({ status: 401 })
    // The provider itself goes on: a new credential works.
    const renewed = await registry.generateCredentials(name, 'pull')
    expect(typeof (await clientToken(fake, renewed, `repository:${name}:pull`))).toBe('string')
  })
})
