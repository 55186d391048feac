import { randomBytes } from 'node:crypto'
import { local } from '@artifact-registry/provider-local'
import { startLocalRegistry } from '@artifact-registry/registry-server'
import { expect, it } from 'vitest'

// The README's block is the region below, word for word (tools/test/readme-snippets.test.ts
// checks it), followed by checks of what the README says about it.

const basic = (username: string, password: string): string =>
  `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`

it('the usage example creates a repository and mints push-pull credentials', async () => {
  // #region usage
  await using registry = await local({ bindingName: 'artifacts' }) // embedded registry, in memory
  const repo = await registry.createRepository('prj_abc123') // name 'artifacts/prj_abc123'
  const creds = await registry.generateCredentials(repo.name, 'push-pull', { ttlSeconds: 600 })
  // skopeo copy oci:./layout:v1 docker://${creds.registry}/${repo.name}:v1 \
  //   --dest-tls-verify=false --dest-creds "${creds.username}:${creds.password}"
  // #endregion

  expect(repo.name).toBe('artifacts/prj_abc123')
  expect(registry.registryEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  const upload = await fetch(`http://${creds.registry}/v2/${repo.name}/blobs/uploads/`, {
    method: 'POST',
    headers: { authorization: basic(creds.username, creds.password) },
  })
  expect(upload.status).toBe(202)
})

it('refuses a name outside its namespace with INVALID_ARGUMENT, and keeps names within 255 characters', async () => {
  const admin = { username: 'admin', password: randomBytes(16).toString('hex') }
  await using server = await startLocalRegistry({ adminCredentials: admin })
  await using ours = await local({
    url: server.url,
    bindingName: 'artifacts',
    adminCredentials: admin,
  })
  await using theirs = await local({
    url: server.url,
    bindingName: 'other',
    adminCredentials: admin,
  })
  const foreign = await theirs.createRepository('app')

  for (const call of [
    () => ours.deleteRepository(foreign.name),
    () => ours.getRepository(foreign.name),
    () => ours.generateCredentials(foreign.name, 'pull'),
  ]) {
    await expect(call()).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', platform: 'local' })
  }
  expect((await theirs.getRepository(foreign.name)).name).toBe('other/app')

  const long = await ours.createRepository('a'.repeat(300))
  expect(long.name.startsWith('artifacts/')).toBe(true)
  expect(long.name.length).toBeLessThanOrEqual(255)
})
