import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { runTool, runToolExpectingFailure } from '@artifact-registry/test-kit'
import { describe, expect, it } from 'vitest'
import { cli, HELPER, temporaryDirectory } from './support/command.js'
import { dockerMissing, importTinyImage, removeImages } from './support/docker.js'
import { linkBin } from './support/linked-bin.js'
import { boundRegistry } from './support/registry.js'

// The real docker CLI, its engine and our helper found on PATH through `credHelpers`: docker
// push and pull without any `docker login`.
describe.skipIf(dockerMissing())('docker with the credential helper', () => {
  it('pushes and pulls with credentials the helper mints, and without it is refused', async () => {
    await using work = await temporaryDirectory('cli-helper-docker-')
    await using bound = await boundRegistry(work.dir)
    await cli(['repo', 'create', 'app', '--binding-file', bound.bindingFile])
    const helperConfig = join(work.dir, 'helper.json')
    await writeFile(
      helperConfig,
      JSON.stringify({
        registries: {
          [bound.host]: {
            bindingFile: bound.bindingFile,
            repository: 'artifacts/app',
            permission: 'push-pull',
            ttlSeconds: 600,
          },
        },
      }),
    )
    const dockerConfig = join(work.dir, 'docker')
    await mkdir(dockerConfig)
    await writeFile(
      join(dockerConfig, 'config.json'),
      JSON.stringify({ credHelpers: { [bound.host]: 'artifact-registry' } }),
    )
    const env = {
      DOCKER_CONFIG: dockerConfig,
      PATH: await linkBin(join(work.dir, 'bin'), 'docker-credential-artifact-registry', HELPER),
      ARTIFACT_REGISTRY_HELPER_CONFIG: helperConfig,
      XDG_CACHE_HOME: join(work.dir, 'cache'),
    }
    const reference = `${bound.host}/artifacts/app:via-helper`
    const imageId = await importTinyImage(reference)
    try {
      await runTool('docker', ['push', reference], { env })
      await removeImages(reference)
      await runTool('docker', ['pull', reference], { env })
      const { stdout } = await runTool('docker', [
        'image',
        'inspect',
        '--format',
        '{{.Id}}',
        reference,
      ])
      expect(stdout.trim()).toBe(imageId)
      // No login stored anything: the helper answered every time.
      const config = JSON.parse(await readFile(join(dockerConfig, 'config.json'), 'utf8'))
      expect(config.auths ?? {}).toEqual({})
      await removeImages(reference)
      const withoutHelper = { ...env, DOCKER_CONFIG: join(work.dir, 'docker-plain') }
      const refused = await runToolExpectingFailure('docker', ['pull', reference], {
        env: withoutHelper,
      })
      expect(refused.stderr).toMatch(
        /unauthorized|no basic auth credentials|authentication required/,
      )
    } finally {
      await removeImages(reference)
    }
  })
})
