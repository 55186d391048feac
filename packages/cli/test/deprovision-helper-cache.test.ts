import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { basicAuth } from '@artifact-registry/test-kit'
import { afterAll, describe, expect, it } from 'vitest'
import { EXIT } from '../src/index.js'
import { cli, HELPER, parseJson, run, writeBindingFile } from './support/command.js'
import { type BoundRegistry, boundRegistry, boundRegistryForFile } from './support/registry.js'

// `deprovision local` revokes every credential of the binding's namespace (deleting its
// repositories with --force, then what is left under it). The credential helper must not keep
// handing docker those revoked credentials from its cache (every pull refused until their reuse
// limit, typically most of an hour): the next `get` mints new ones. Cached credentials of another
// namespace of the same registry, and of another registry, are kept.

const { dir: workDir, bound } = await boundRegistryForFile('cli-deprovision-cache-')
const adminPassword = (
  JSON.parse(await readFile(bound.bindingFile, 'utf8')) as {
    adminCredentials: { password: string }
  }
).adminCredentials.password
// The same registry, another namespace: deprovisioning `artifacts` leaves it alone.
const teamBinding = await writeBindingFile(
  workDir,
  {
    platform: 'local',
    url: bound.registry.url,
    bindingName: 'team',
    adminCredentials: { username: 'admin', password: adminPassword },
  },
  'team-binding.json',
)
// A second registry with the same namespace, so the same repository names.
await mkdir(join(workDir, 'second'))
const second: BoundRegistry = await boundRegistry(join(workDir, 'second'))
afterAll(() => second[Symbol.asyncDispose]())

await cli(['repo', 'create', 'app', '--binding-file', bound.bindingFile])
await cli(['repo', 'create', 'app', '--binding-file', teamBinding])
await cli(['repo', 'create', 'app', '--binding-file', second.bindingFile])

/** The first registry under another docker host name, configured for the other namespace. */
const alias = `localhost:${new URL(bound.registry.url).port}`

const home = join(workDir, 'home')
await mkdir(home)
const env = {
  HOME: home,
  XDG_CACHE_HOME: join(home, 'cache'),
  ARTIFACT_REGISTRY_HELPER_CONFIG: join(home, 'helper.json'),
  ARTIFACT_REGISTRY_ADMIN_PASSWORD: adminPassword,
}
const entry = (bindingFile: string, repository: string) => ({
  bindingFile,
  repository,
  permission: 'pull',
})

interface Got {
  Username: string
  Secret: string
}

async function get(host: string, helperEnv: Record<string, string> = env): Promise<Got> {
  const result = await run(HELPER, ['get'], { input: host, env: helperEnv })
  expect(result, result.stdout).toMatchObject({ status: 0, stderr: '' })
  return JSON.parse(result.stdout)
}

async function tagsStatus(on: BoundRegistry, repository: string, got: Got): Promise<number> {
  const res = await fetch(`${on.registry.url}/v2/${repository}/tags/list`, {
    headers: { authorization: basicAuth(got.Username, got.Secret) },
  })
  await res.body?.cancel()
  return res.status
}

describe('deprovision local drops the credentials it revoked from the credential helper cache', () => {
  it('--url: the next get mints working credentials; another namespace and registry keep theirs', async () => {
    await writeFile(
      env.ARTIFACT_REGISTRY_HELPER_CONFIG,
      JSON.stringify({
        registries: {
          [bound.host]: entry(bound.bindingFile, 'artifacts/app'),
          [alias]: { ...entry(teamBinding, 'team/app'), registryHost: bound.host },
          [second.host]: entry(second.bindingFile, 'artifacts/app'),
        },
      }),
    )
    const before = {
      app: await get(bound.host),
      team: await get(alias),
      second: await get(second.host),
    }

    const result = await cli(
      ['deprovision', 'local', '--url', bound.registry.url, '--force', '--json'],
      { env },
    )
    expect(result.status, result.stderr).toBe(EXIT.ok)
    expect(parseJson<{ changes: { kind: string; id: string }[] }>(result).changes).toContainEqual(
      expect.objectContaining({ kind: 'local-repository', id: 'artifacts/app' }),
    )
    // Provisioned again, as a CI job would, and the repository made anew.
    await cli(['repo', 'create', 'app', '--binding-file', bound.bindingFile])
    expect(await tagsStatus(bound, 'artifacts/app', before.app)).toBe(401)

    const after = {
      app: await get(bound.host),
      team: await get(alias),
      second: await get(second.host),
    }
    expect(after.app.Username).not.toBe(before.app.Username)
    expect(await tagsStatus(bound, 'artifacts/app', after.app)).toBe(200)
    // Not revoked, so still cached: the same credentials, still working.
    expect(after.team.Username).toBe(before.team.Username)
    expect(await tagsStatus(bound, 'team/app', after.team)).toBe(200)
    expect(after.second.Username).toBe(before.second.Username)
    expect(await tagsStatus(second, 'artifacts/app', after.second)).toBe(200)
  })

  it('--data-dir: the credentials cached for its embedded registry are dropped', async () => {
    const dataDir = join(workDir, 'embedded')
    const bindingFile = join(workDir, 'embedded-binding.json')
    const provisioned = await cli(
      ['provision', 'local', '--data-dir', dataDir, '--output', bindingFile],
      { env },
    )
    expect(provisioned.status, provisioned.stderr).toBe(EXIT.ok)
    const created = parseJson<{ uri: string }>(
      await cli(['repo', 'create', 'app', '--binding-file', bindingFile, '--json']),
    )
    const host = created.uri.split('/')[0] ?? ''
    const dataHome = join(workDir, 'data-home')
    await mkdir(dataHome)
    const dataEnv = {
      ...env,
      XDG_CACHE_HOME: join(dataHome, 'cache'),
      ARTIFACT_REGISTRY_HELPER_CONFIG: join(dataHome, 'helper.json'),
    }
    await writeFile(
      dataEnv.ARTIFACT_REGISTRY_HELPER_CONFIG,
      JSON.stringify({ registries: { [host]: entry(bindingFile, 'artifacts/app') } }),
    )
    await get(host, dataEnv)
    const cacheDir = join(dataEnv.XDG_CACHE_HOME, 'artifact-registry', 'credential-helper')
    expect(await readdir(cacheDir)).toHaveLength(1)

    const result = await cli(['deprovision', 'local', '--data-dir', dataDir, '--force'], {
      env: dataEnv,
    })
    expect(result.status, result.stderr).toBe(EXIT.ok)
    expect(result.stderr).toBe('')
    expect(await readdir(cacheDir)).toEqual([])
  })

  it('--dry-run keeps the cached credentials', async () => {
    await writeFile(
      env.ARTIFACT_REGISTRY_HELPER_CONFIG,
      JSON.stringify({ registries: { [bound.host]: entry(bound.bindingFile, 'artifacts/app') } }),
    )
    const before = await get(bound.host)
    const result = await cli(
      ['deprovision', 'local', '--url', bound.registry.url, '--force', '--dry-run'],
      { env },
    )
    expect(result.status, result.stderr).toBe(EXIT.ok)
    expect((await get(bound.host)).Username).toBe(before.Username)
  })
})
