import { execFile } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { REPO_ROOT } from './repo-root.js'

const run = promisify(execFile)
const CLOUD_SDK_SCOPES = ['@aws-sdk', '@google-cloud', '@azure', '@smithy', '@azure-rest']

// npm variables of the outer `npm run` would make the inner npm think it is in this workspace.
const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')),
)

async function npm(args: string[], cwd: string, env = cleanEnv): Promise<string> {
  const { stdout } = await run('npm', args, { cwd, env, maxBuffer: 16 * 1024 * 1024 })
  return stdout
}

const CHECK_SCRIPT = `
import * as core from '@artifact-registry/core'
import * as local from '@artifact-registry/provider-local'
import * as server from '@artifact-registry/registry-server'
const result = {
  coreExports: Object.keys(core).sort(),
  localExports: Object.keys(local).sort(),
  serverExports: Object.keys(server).sort(),
}
try {
  await core.createArtifactRegistry({ platform: 'aws', region: 'us-east-1', repositoryPrefix: 'acme' })
  result.aws = 'created'
} catch (err) {
  result.aws = { code: err.code, message: err.message, branded: core.isArtifactRegistryError(err) }
}
result.name = core.toPlatformName('ecr', 'prj_abc123')
console.log(JSON.stringify(result))
`

describe('packaging', () => {
  let work: string | undefined
  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true })
  })

  it('core, registry-server and provider-local install from the registry alone and pull in no cloud SDK', async () => {
    work = await mkdtemp(join(tmpdir(), 'artifact-registry-pack-'))
    const tarballs: string[] = []
    for (const pkg of ['packages/core', 'packages/registry-server', 'packages/provider-local']) {
      const out = await npm(['pack', '--silent', '--pack-destination', work], join(REPO_ROOT, pkg))
      tarballs.push(join(work, out.trim().split('\n').at(-1) ?? ''))
    }
    await writeFile(
      join(work, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
    )
    // As a user installs: dependencies come from the npm registry, through an npm cache of the
    // test's own that starts empty, so no cache on this machine can hide a missing dependency.
    const cache = join(work, 'npm-cache')
    await npm(['install', '--no-audit', '--no-fund', '--prefer-online', ...tarballs], work, {
      ...cleanEnv,
      npm_config_cache: cache,
    })
    expect(await readdir(join(cache, '_cacache'))).not.toHaveLength(0)
    await writeFile(join(work, 'check.mjs'), CHECK_SCRIPT)
    const { stdout } = await run(process.execPath, ['check.mjs'], { cwd: work, env: cleanEnv })
    const result = JSON.parse(stdout)

    expect(result.coreExports).toEqual(
      expect.arrayContaining([
        'createArtifactRegistry',
        'registerProvider',
        'ArtifactRegistryError',
      ]),
    )
    expect(result.aws).toEqual({
      code: 'PROVIDER_NOT_INSTALLED',
      message: expect.stringContaining('npm i @artifact-registry/provider-aws'),
      branded: true,
    })
    expect(result.name).toBe('prj_abc123')
    expect(result.localExports).toEqual(expect.arrayContaining(['local', 'fromBinding']))
    expect(result.serverExports).toEqual(
      expect.arrayContaining(['startLocalRegistry', 'startTokenService']),
    )
    // provider-local brings the command along through its dependency on registry-server.
    const { stdout: version } = await run(
      join(work, 'node_modules', '.bin', 'artifact-registry-local'),
      ['--version'],
      { cwd: work, env: cleanEnv },
    )
    const manifest = join(REPO_ROOT, 'packages', 'registry-server', 'package.json')
    expect(version.trim()).toBe(JSON.parse(await readFile(manifest, 'utf8')).version)

    const scopes = await readdir(join(work, 'node_modules'))
    for (const scope of CLOUD_SDK_SCOPES) expect(scopes).not.toContain(scope)
    const lock = await readFile(join(work, 'package-lock.json'), 'utf8')
    for (const scope of CLOUD_SDK_SCOPES) expect(lock).not.toContain(`node_modules/${scope}/`)
  })
})
