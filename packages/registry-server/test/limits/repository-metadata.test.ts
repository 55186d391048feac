import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { type LogEvent, startLocalRegistry } from '../../src/index.js'
import { imageManifest, pushBlob, sha256 } from '../support/push.js'

// A repository's metadata (tags, manifests' records, blob links) is held in memory: a million
// tags took the server to 590 MB resident. Without a cap, one push credential could grow the
// server's memory without end, so a change that would take a repository past
// `maxRepositoryMetadataBytes` is refused with 403 DENIED and changes nothing.

const REPO = 'capped/repo'
const MANIFEST_TYPE = 'application/vnd.oci.image.manifest.v1+json'
const dirs: string[] = []

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })))
})

async function putTag(url: string, repository: string, manifest: Buffer, tag: string) {
  const res = await fetch(`${url}/v2/${repository}/manifests/${tag}`, {
    method: 'PUT',
    body: manifest,
    headers: { 'content-type': MANIFEST_TYPE },
  })
  return { status: res.status, body: await res.text() }
}

async function tagsOf(url: string, repository: string): Promise<string[]> {
  const res = await fetch(`${url}/v2/${repository}/tags/list`)
  expect(res.status).toBe(200)
  return ((await res.json()) as { tags: string[] }).tags
}

/** A manifest over one small config blob pushed into `repository`. */
async function smallImage(url: string, repository: string): Promise<Buffer> {
  const config = Buffer.from('{}')
  const digest = await pushBlob(url, repository, config)
  return imageManifest({ digest, size: config.byteLength }, [])
}

/** Push tags `t0`, `t1`, … until one is refused; returns the tags that went in and the refusal. */
async function fillWithTags(url: string, repository: string, manifest: Buffer) {
  const accepted: string[] = []
  for (let i = 0; i < 1000; i++) {
    const answer = await putTag(url, repository, manifest, `t${i}`)
    if (answer.status !== 201) return { accepted, refused: answer }
    accepted.push(`t${i}`)
  }
  throw new Error('1000 tags went in under the limit')
}

describe('maxRepositoryMetadataBytes', () => {
  it('refuses a tag that would take the repository past the limit, and changes nothing', async () => {
    await using registry = await startLocalRegistry({
      logLevel: 'silent',
      maxRepositoryMetadataBytes: 2048,
    })
    const manifest = await smallImage(registry.url, REPO)
    const { accepted, refused } = await fillWithTags(registry.url, REPO, manifest)

    // Some tags fit (each costs about 80 bytes beside the manifest's own record), then 403.
    expect(accepted.length).toBeGreaterThan(5)
    expect(refused.status).toBe(403)
    const error = (JSON.parse(refused.body) as { errors: { code: string; message: string }[] })
      .errors[0]
    expect(error?.code).toBe('DENIED')
    expect(error?.message).toContain('maxRepositoryMetadataBytes')
    expect(error?.message).toContain(REPO)
    expect(await tagsOf(registry.url, REPO)).toEqual([...accepted].sort())

    // Pointing a tag already there at the same manifest adds nothing, so it goes through.
    expect((await putTag(registry.url, REPO, manifest, accepted[0] as string)).status).toBe(201)

    // Deleting makes room: after one tag goes, the refused one fits.
    const gone = await fetch(`${registry.url}/v2/${REPO}/manifests/${accepted[1]}`, {
      method: 'DELETE',
    })
    expect(gone.status).toBe(202)
    const next = `t${accepted.length}`
    expect((await putTag(registry.url, REPO, manifest, next)).status).toBe(201)

    // The limit is per repository: another one still takes tags.
    const other = await smallImage(registry.url, 'capped/other')
    expect((await putTag(registry.url, 'capped/other', other, 'latest')).status).toBe(201)
  })

  it('refuses a blob commit that would link one blob too many, and the blob stays unreadable there', async () => {
    await using registry = await startLocalRegistry({
      logLevel: 'silent',
      maxRepositoryMetadataBytes: 1024,
    })
    let refused: Error | undefined
    let last = ''
    for (let i = 0; i < 100 && refused === undefined; i++) {
      last = sha256(Buffer.from(`blob ${i}`))
      refused = await pushBlob(registry.url, REPO, Buffer.from(`blob ${i}`)).then(
        () => undefined,
        (error: Error) => error,
      )
    }
    expect(refused?.message).toMatch(/^PUT upload: 403 .*DENIED.*maxRepositoryMetadataBytes/)
    const head = await fetch(`${registry.url}/v2/${REPO}/blobs/${last}`, { method: 'HEAD' })
    expect(head.status).toBe(404)

    // A mount of a blob from another repository is a link too.
    const elsewhere = await pushBlob(registry.url, 'capped/source', Buffer.from('mounted'))
    const mount = await fetch(
      `${registry.url}/v2/${REPO}/blobs/uploads/?mount=${elsewhere}&from=capped/source`,
      { method: 'POST' },
    )
    expect(mount.status).toBe(403)
    const mounted = await fetch(`${registry.url}/v2/${REPO}/blobs/${elsewhere}`, { method: 'HEAD' })
    expect(mounted.status).toBe(404)
  })

  it('counts what a restarted registry read from its data directory, and a lowered limit still lets deletes through', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'metadata-limit-'))
    dirs.push(dataDir)
    let accepted: string[]
    let manifest: Buffer
    {
      await using registry = await startLocalRegistry({
        dataDir,
        logLevel: 'silent',
        maxRepositoryMetadataBytes: 2048,
      })
      manifest = await smallImage(registry.url, REPO)
      ;({ accepted } = await fillWithTags(registry.url, REPO, manifest))
    }
    {
      await using registry = await startLocalRegistry({
        dataDir,
        logLevel: 'silent',
        maxRepositoryMetadataBytes: 2048,
      })
      expect((await putTag(registry.url, REPO, manifest, 'after-restart')).status).toBe(403)
    }
    await using registry = await startLocalRegistry({
      dataDir,
      logLevel: 'silent',
      maxRepositoryMetadataBytes: 512,
    })
    expect((await putTag(registry.url, REPO, manifest, 'one-more')).status).toBe(403)
    const gone = await fetch(`${registry.url}/v2/${REPO}/manifests/${accepted[0]}`, {
      method: 'DELETE',
    })
    expect(gone.status).toBe(202)
    expect(await tagsOf(registry.url, REPO)).toEqual(accepted.slice(1).sort())
  })

  it('counts the bytes of the JSON, not its characters: annotations outside ASCII weigh what they are written as', async () => {
    await using registry = await startLocalRegistry({
      logLevel: 'silent',
      maxRepositoryMetadataBytes: 4096,
    })
    const config = Buffer.from('{}')
    const digest = await pushBlob(registry.url, REPO, config)
    // 1,500 characters of 3 bytes each: 4,500 bytes of UTF-8 in the record, past the limit.
    const manifest = imageManifest({ digest, size: config.byteLength }, [], {
      'org.example.note': '€'.repeat(1500),
    })
    const answer = await putTag(registry.url, REPO, manifest, 'euro')
    expect(answer.status).toBe(403)
    expect(answer.body).toContain('DENIED')
    expect(await tagsOf(registry.url, REPO)).toEqual([])
  })

  it('logs a refusal as the 403 it is: not as a failure of the server, with its code at debug', async () => {
    const failures: LogEvent[] = []
    {
      // At the default level a refused push must not write a `request failed` line with a
      // stack: that level is for failures of the server, and any pusher could flood it.
      await using registry = await startLocalRegistry({
        maxRepositoryMetadataBytes: 2048,
        logger: (event) => failures.push(event),
      })
      const manifest = await smallImage(registry.url, REPO)
      const { refused } = await fillWithTags(registry.url, REPO, manifest)
      expect(refused.status).toBe(403)
    }
    expect(failures).toEqual([])

    const events: LogEvent[] = []
    await using registry = await startLocalRegistry({
      logLevel: 'debug',
      maxRepositoryMetadataBytes: 2048,
      logger: (event) => events.push(event),
    })
    const manifest = await smallImage(registry.url, REPO)
    await fillWithTags(registry.url, REPO, manifest)
    await expect
      .poll(() => events.find((event) => event.status === 403))
      .toMatchObject({ level: 'info', msg: 'request', method: 'PUT', errorCode: 'DENIED' })
    expect(events.find((event) => event.status === 403)).not.toHaveProperty('error')
  })

  it.each([0, 1.5, -1, '4096', Number.POSITIVE_INFINITY])(
    'refuses %s as a limit',
    async (value) => {
      await expect(
        startLocalRegistry({ logLevel: 'silent', maxRepositoryMetadataBytes: value as number }),
      ).rejects.toThrow(/maxRepositoryMetadataBytes must be a whole number of at least 1/)
    },
  )
})
