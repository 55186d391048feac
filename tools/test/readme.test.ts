import { createArtifactRegistry, isArtifactRegistryError } from '@artifact-registry/core'
import { expect, it } from 'vitest'

// The usage examples of the root README and of packages/core/README.md, run as written (their
// blocks are tied to the regions below by tools/test/readme-snippets.test.ts).

const basic = (username: string, password: string): string =>
  `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`

it('the root README example creates a repository and mints pull credentials that work', async () => {
  const started = Date.now()
  // #region root-usage
  await using registry = await createArtifactRegistry({ platform: 'local' }) // or aws, gcp, azure
  const repo = await registry.createRepository('prj_abc123') // { name: 'artifacts/prj_abc123', uri, createdAt }
  const creds = await registry.generateCredentials(repo.name, 'pull', { ttlSeconds: 900 })
  // docker login ${creds.registry} -u ${creds.username} --password-stdin   (one repository, pull only, 15 minutes)
  // #endregion

  expect(repo.name).toBe('artifacts/prj_abc123')
  expect(repo.uri).toBe(`${creds.registry}/artifacts/prj_abc123`)
  expect(creds.authMethod).toBe('basic')
  const lifetime = (creds.expiresAt?.getTime() ?? 0) - started
  expect(lifetime).toBeGreaterThanOrEqual(899_000)
  expect(lifetime).toBeLessThanOrEqual(900_000 + (Date.now() - started))
  const authorization = basic(creds.username, creds.password)
  const own = await fetch(`http://${creds.registry}/v2/${repo.name}/tags/list`, {
    headers: { authorization },
  })
  expect(own.status).toBe(200)
  const other = await fetch(`http://${creds.registry}/v2/artifacts/other/tags/list`, {
    headers: { authorization },
  })
  expect(other.status).toBe(403)
})

it('the core README example creates, mints push-pull credentials and tells NOT_FOUND apart', async () => {
  // #region core-usage
  await using registry = await createArtifactRegistry({ platform: 'local' })
  const { name } = await registry.createRepository('prj_abc123')
  const creds = await registry.generateCredentials(name, 'push-pull', { ttlSeconds: 600 })
  // docker login creds.registry -u creds.username --password-stdin, fed creds.password
  try {
    await registry.getRepository('artifacts/missing')
  } catch (err) {
    if (!isArtifactRegistryError(err, 'NOT_FOUND')) throw err
  }
  // #endregion

  expect(name).toBe('artifacts/prj_abc123')
  expect(creds).toMatchObject({ authMethod: 'basic', username: expect.any(String) })
  await expect(registry.getRepository('artifacts/missing')).rejects.toMatchObject({
    code: 'NOT_FOUND',
  })
})
