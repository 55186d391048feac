import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runCli, startRegistryProcess } from '../support/command.js'
import { imageManifest, pushBlob } from '../support/push.js'

let work: string
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'cli-metadata-bytes-'))
})
afterEach(async () => {
  await rm(work, { recursive: true, force: true })
})

describe('artifact-registry-local serve --max-repository-metadata-bytes', {
  timeout: 30_000,
}, () => {
  it('caps what one repository holds', async () => {
    await using registry = await startRegistryProcess(join(work, 'data'), [
      '--max-repository-metadata-bytes',
      '1024',
    ])
    const headers = { authorization: registry.authorization }
    const config = Buffer.from('{}')
    const digest = await pushBlob(registry.url, 'cli/capped', config, headers)
    const manifest = imageManifest({ digest, size: config.byteLength }, [])
    const statuses: number[] = []
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`${registry.url}/v2/cli/capped/manifests/t${i}`, {
        method: 'PUT',
        body: manifest,
        headers: { ...headers, 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
      })
      statuses.push(res.status)
      if (res.status !== 201) break
    }
    // A few tags, then the limit: under the default of 16 MiB all 20 would go in.
    expect(statuses.length).toBeLessThan(20)
    expect(statuses.at(-1)).toBe(403)
  })

  it.each([['0'], ['-1'], ['1.5'], ['16MiB'], ['']])('%j is a usage error (exit 2)', (value) => {
    const run = runCli([
      'serve',
      '--data',
      join(work, 'data'),
      `--max-repository-metadata-bytes=${value}`,
    ])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain(
      `--max-repository-metadata-bytes must be a whole number of bytes, at least 1, got "${value}"`,
    )
  })

  it('is for serve only', () => {
    const run = runCli([
      'token-service',
      '--data',
      join(work, 'data'),
      '--max-repository-metadata-bytes',
      '1024',
    ])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('--max-repository-metadata-bytes is for serve only')
  })
})
