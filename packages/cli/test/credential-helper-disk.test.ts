import { spawnSync } from 'node:child_process'
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { basicAuth } from '@artifact-registry/test-kit'
import { beforeEach, describe, expect, it } from 'vitest'
import { cli, HELPER, run } from './support/command.js'
import { boundRegistryForFile } from './support/registry.js'

// The helper's cache only saves mints: a disk that cannot hold it (full, read-only, a file in the
// way) must not keep docker from credentials the platform mints, nor leave a minted secret behind.
const { dir: workDir, bound } = await boundRegistryForFile('cli-helper-disk-')
await cli(['repo', 'create', 'app', '--binding-file', bound.bindingFile])

let round = 0
let home: string
let configFile: string
beforeEach(async () => {
  round += 1
  home = join(workDir, `home-${round}`)
  configFile = join(home, 'helper.json')
  await mkdir(home, { recursive: true })
  const entry = { bindingFile: bound.bindingFile, repository: 'artifacts/app', permission: 'pull' }
  await writeFile(configFile, JSON.stringify({ registries: { [bound.host]: entry } }))
})

/** `docker-credential-artifact-registry action`, its cache under `cacheHome`. */
function helper(action: string, cacheHome: string, input = bound.host) {
  return run(HELPER, [action], {
    input,
    env: { HOME: home, XDG_CACHE_HOME: cacheHome, ARTIFACT_REGISTRY_HELPER_CONFIG: configFile },
  })
}

/** `get`, which must succeed with credentials the registry takes. */
async function workingGet(cacheHome: string): Promise<string> {
  const result = await helper('get', cacheHome)
  expect(result, result.stdout).toMatchObject({ status: 0, stderr: '' })
  const { Username, Secret } = JSON.parse(result.stdout)
  const res = await fetch(`${bound.registry.url}/v2/artifacts/app/tags/list`, {
    headers: { authorization: basicAuth(Username, Secret) },
  })
  await res.body?.cancel()
  expect(res.status).toBe(200)
  return Username
}

describe('a cache the disk cannot hold: credentials are handed out uncached', () => {
  it('a cache directory that cannot be made (a file in its path): get mints each time, list answers', async () => {
    const blocked = join(home, 'not-a-directory')
    await writeFile(blocked, '')
    const first = await workingGet(blocked)
    expect(await workingGet(blocked)).not.toBe(first)
    expect(await helper('list', blocked, '')).toEqual({
      status: 0,
      stdout: `${JSON.stringify({ [bound.host]: '' })}\n`,
      stderr: '',
    })
  })

  it('a cache file that cannot be written: get still hands out what it minted, nothing left behind', async () => {
    const cacheHome = join(home, 'cache')
    await workingGet(cacheHome)
    const dir = join(cacheHome, 'artifact-registry', 'credential-helper')
    const [name = ''] = await readdir(dir)
    // A directory where the file goes: the rename that would replace it fails (EISDIR).
    await rm(join(dir, name))
    await mkdir(join(dir, name))
    await workingGet(cacheHome)
    expect(await readdir(dir)).toEqual([name])
  })

  it('a full disk: get hands out the credentials it minted, and no part of them stays on it', async (context) => {
    const disk = join(home, 'full-disk')
    await mkdir(disk)
    // A real full file system needs a mount: only where this runs as root with the capability.
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', disk])
    if (mounted.status !== 0) return context.skip()
    try {
      const dir = join(disk, 'artifact-registry', 'credential-helper')
      await mkdir(dir, { recursive: true, mode: 0o700 })
      spawnSync('dd', ['if=/dev/zero', `of=${join(disk, 'filler')}`, 'bs=1k', 'count=64'])
      await workingGet(disk)
      expect(await readdir(dir)).toEqual([])
    } finally {
      spawnSync('umount', [disk])
    }
  })
})
