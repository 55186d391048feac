import { mkdir, readdir, rename, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { basicAuth } from '@artifact-registry/test-kit'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { cli, HELPER, parseJson, run } from './support/command.js'
import { type BoundRegistry, boundRegistry, boundRegistryForFile } from './support/registry.js'

// After `revoke`, the credential helper must not keep handing docker the revoked credential from
// its cache (every pull and push refused until its reuse limit): the next `get` mints a new one.
// Cached credentials of other repositories, and of another registry, are kept.

const { dir: workDir, bound, binding } = await boundRegistryForFile('cli-revoke-cache-')
// A second registry whose binding has the same namespace, so the same repository names.
await mkdir(join(workDir, 'second'))
const second: BoundRegistry = await boundRegistry(join(workDir, 'second'))
afterAll(() => second[Symbol.asyncDispose]())
for (const name of ['app', 'other']) await cli(['repo', 'create', name, ...binding])
await cli(['repo', 'create', 'app', '--binding-file', second.bindingFile])

/** The same registry under another docker host name, configured for another repository. */
const alias = `localhost:${new URL(bound.registry.url).port}`

let round = 0
let env: Record<string, string>
beforeEach(async () => {
  round += 1
  const home = join(workDir, `home-${round}`)
  await mkdir(home)
  const config = join(home, 'helper.json')
  env = {
    HOME: home,
    XDG_CACHE_HOME: join(home, 'cache'),
    ARTIFACT_REGISTRY_HELPER_CONFIG: config,
  }
  const entry = (bindingFile: string, repository: string) => ({
    bindingFile,
    repository,
    permission: 'pull',
  })
  await writeFile(
    config,
    JSON.stringify({
      registries: {
        [bound.host]: entry(bound.bindingFile, 'artifacts/app'),
        // Another name of the registry, said so: the helper refuses a binding of another host.
        [alias]: { ...entry(bound.bindingFile, 'artifacts/other'), registryHost: bound.host },
        [second.host]: entry(second.bindingFile, 'artifacts/app'),
      },
    }),
  )
})

const cacheDir = () => join(env.XDG_CACHE_HOME ?? '', 'artifact-registry', 'credential-helper')

interface Got {
  Username: string
  Secret: string
}

async function get(host: string): Promise<Got> {
  const result = await run(HELPER, ['get'], { input: host, env })
  expect(result, result.stdout).toMatchObject({ status: 0, stderr: '' })
  return JSON.parse(result.stdout)
}

/** Every configured host's credentials, as docker would get them. */
async function getAll(): Promise<Record<'app' | 'other' | 'secondApp', Got>> {
  return { app: await get(bound.host), other: await get(alias), secondApp: await get(second.host) }
}

async function tagsStatus(on: BoundRegistry, repository: string, got: Got): Promise<number> {
  const res = await fetch(`${on.registry.url}/v2/${repository}/tags/list`, {
    headers: { authorization: basicAuth(got.Username, got.Secret) },
  })
  await res.body?.cancel()
  return res.status
}

describe('revoke drops the credentials it revoked from the credential helper cache', () => {
  it('revoke NAME: the next get mints working credentials; other repositories and registries keep theirs', async () => {
    const before = await getAll()
    const result = await cli(['revoke', 'artifacts/app', '--json', ...binding], { env })
    expect(result.stderr).toBe('')
    expect(parseJson(result)).toEqual({ repository: 'artifacts/app', revoked: 1 })

    const after = await getAll()
    expect(after.app.Username).not.toBe(before.app.Username)
    expect(await tagsStatus(bound, 'artifacts/app', after.app)).toBe(200)
    expect(await tagsStatus(bound, 'artifacts/app', before.app)).toBe(401)
    // Not revoked, so still cached: the same credentials, still working.
    expect(after.other.Username).toBe(before.other.Username)
    expect(await tagsStatus(bound, 'artifacts/other', after.other)).toBe(200)
    expect(after.secondApp.Username).toBe(before.secondApp.Username)
    expect(await tagsStatus(second, 'artifacts/app', after.secondApp)).toBe(200)
  })

  it('revoke --username: the next get mints working credentials; the others keep theirs', async () => {
    const before = await getAll()
    const result = await cli(['revoke', '--username', before.app.Username, ...binding], { env })
    expect(result).toMatchObject({ status: 0, stderr: '' })

    const after = await getAll()
    expect(after.app.Username).not.toBe(before.app.Username)
    expect(await tagsStatus(bound, 'artifacts/app', after.app)).toBe(200)
    expect(after.other.Username).toBe(before.other.Username)
    expect(after.secondApp.Username).toBe(before.secondApp.Username)
  })

  it('repo delete: the next get mints new credentials; the others keep theirs', async () => {
    const before = await getAll()
    const result = await cli(['repo', 'delete', 'artifacts/app', ...binding], { env })
    expect(result).toMatchObject({ status: 0, stderr: '' })
    await cli(['repo', 'create', 'app', ...binding])

    const after = await getAll()
    expect(after.app.Username).not.toBe(before.app.Username)
    expect(await tagsStatus(bound, 'artifacts/app', after.app)).toBe(200)
    expect(after.other.Username).toBe(before.other.Username)
    expect(after.secondApp.Username).toBe(before.secondApp.Username)
  })

  it('a cache directory that is a symbolic link is not entered: the revoke succeeds, with a warning', async () => {
    const before = await get(bound.host)
    const elsewhere = join(env.HOME ?? '', 'elsewhere')
    await rename(cacheDir(), elsewhere)
    await symlink(elsewhere, cacheDir())
    const files = await readdir(elsewhere)

    const result = await cli(['revoke', '--username', before.Username, ...binding], { env })
    expect(result.status, result.stderr).toBe(0)
    expect(result.stdout).toContain(`revoked 1 credential (the credential ${before.Username})`)
    expect(result.stderr).toContain(
      `warning: the credential helper's cache could not drop the revoked credentials (${cacheDir()} is not a directory)`,
    )
    expect(await readdir(elsewhere)).toEqual(files)
  })
})
