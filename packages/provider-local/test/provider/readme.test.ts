import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { local } from '@artifact-registry/provider-local'
import { startLocalRegistry } from '@artifact-registry/registry-server'
import { afterEach, expect, it } from 'vitest'

// The README's blocks are the regions below, word for word (tools/test/readme-snippets.test.ts
// checks them), followed by checks of what the README says about them.

const basic = (username: string, password: string): string =>
  `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

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

it('the registry server example serves ./data with auth on', async () => {
  const work = await mkdtemp(join(tmpdir(), 'readme-server-'))
  const cwd = process.cwd()
  process.chdir(work) // the example's ./data lands in a scratch directory
  cleanups.push(async () => {
    process.chdir(cwd)
    await rm(work, { recursive: true, force: true })
  })

  // #region server
  const password = randomBytes(24).toString('base64url') // or your own secret
  await using server = await startLocalRegistry({
    dataDir: './data',
    adminCredentials: { username: 'admin', password },
  })
  // server.url is http://127.0.0.1:<port>; every request now needs credentials
  // #endregion

  expect((await stat(join(work, 'data'))).isDirectory()).toBe(true)
  expect((await fetch(`${server.url}/v2/`)).status).toBe(401)
  const admin = await fetch(`${server.url}/v2/`, {
    headers: { authorization: basic('admin', password) },
  })
  expect(admin.status).toBe(200)
})

it('never touches a repository outside its namespace, and keeps names within 255 characters', async () => {
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
    await expect(call()).rejects.toMatchObject({ code: 'NOT_FOUND' })
  }
  expect((await theirs.getRepository(foreign.name)).name).toBe('other/app')

  const long = await ours.createRepository('a'.repeat(300))
  expect(long.name.startsWith('artifacts/')).toBe(true)
  expect(long.name.length).toBeLessThanOrEqual(255)
})
