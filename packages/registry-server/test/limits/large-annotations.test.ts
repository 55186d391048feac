import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startLocalRegistry } from '../../src/index.js'
import { pushBlob, sha256 } from '../support/push.js'

// A repository's record is cloned and rewritten whole at every change of the repository, so what
// it keeps per manifest must stay small: large annotations stay in the manifest alone, and the
// referrers API reads them from there.

const MANIFEST_TYPE = 'application/vnd.oci.image.manifest.v1+json'
const REPO = 'annotated/app'

let dataDir: string
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'large-annotations-'))
})
afterEach(() => rm(dataDir, { recursive: true, force: true }))

/** A manifest over an empty config, with a subject, and annotations. */
function referrer(
  config: { digest: string; size: number },
  subject: { digest: string; size: number },
  annotations: Record<string, string>,
): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MANIFEST_TYPE,
      artifactType: 'application/vnd.example.sbom',
      config: { mediaType: 'application/vnd.oci.empty.v1+json', ...config },
      layers: [],
      subject: { mediaType: MANIFEST_TYPE, ...subject },
      annotations,
    }),
  )
}

async function putManifest(url: string, reference: string, body: Buffer): Promise<string> {
  const res = await fetch(`${url}/v2/${REPO}/manifests/${reference}`, {
    method: 'PUT',
    body,
    headers: { 'content-type': MANIFEST_TYPE },
  })
  expect(res.status, await res.text()).toBe(201)
  return sha256(body)
}

describe('annotations of a referrer', () => {
  it('too large for the record are kept in the manifest alone, and still listed by referrers', async () => {
    const large = { 'org.example.notes': 'x'.repeat(100_000) }
    const small = { 'org.opencontainers.image.title': 'sbom' }
    let subjectDigest = ''
    let largeDigest = ''
    {
      await using registry = await startLocalRegistry({ dataDir, logLevel: 'silent' })
      const config = { digest: await pushBlob(registry.url, REPO, Buffer.from('{}')), size: 2 }
      // The subject: a plain manifest over the same config.
      const plain = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MANIFEST_TYPE,
          config: { mediaType: 'application/vnd.oci.empty.v1+json', ...config },
          layers: [],
        }),
      )
      subjectDigest = await putManifest(registry.url, 'subject', plain)
      const subject = { digest: subjectDigest, size: plain.byteLength }
      largeDigest = await putManifest(registry.url, 'large', referrer(config, subject, large))
      await putManifest(registry.url, 'small', referrer(config, subject, small))
    }
    // What the repository keeps on disk: its record file and the log of changes since.
    const files = ['annotated%2Fapp.json', 'annotated%2Fapp.log']
    const kept = await Promise.all(
      files.map((file) => readFile(join(dataDir, 'repositories', file), 'utf8').catch(() => '')),
    )
    expect(kept.join('').length).toBeLessThan(10_000)
    expect(kept.join('')).toContain('sbom')

    // After a restart, from the records read back.
    await using registry = await startLocalRegistry({ dataDir, logLevel: 'silent' })
    const res = await fetch(`${registry.url}/v2/${REPO}/referrers/${subjectDigest}`)
    expect(res.status).toBe(200)
    const index = (await res.json()) as {
      manifests: { digest: string; annotations?: Record<string, string> }[]
    }
    expect(index.manifests).toHaveLength(2)
    const byDigest = new Map(index.manifests.map((m) => [m.digest, m.annotations]))
    expect(byDigest.get(largeDigest)).toEqual(large)
    expect([...byDigest.values()]).toContainEqual(small)
  })
})
