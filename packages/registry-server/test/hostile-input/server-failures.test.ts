import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { type LogEvent, startLocalRegistry } from '../../src/index.js'
import { imageManifest, pushBlob, sha256 } from '../support/push.js'
import { checkStore } from '../support/store-check.js'

// What a client is told when the server itself fails: never the server's own error text (it
// names the data directory's paths), and for a full disk, that the disk is full.

/** While `full`, every write the server makes fails as on a full disk. */
const disk = vi.hoisted(() => ({ full: false }))

vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>()
  const noSpace = (syscall: string, path: unknown): Error =>
    Object.assign(new Error(`ENOSPC: no space left on device, ${syscall} '${String(path)}'`), {
      code: 'ENOSPC',
      errno: -28,
      syscall,
      path: String(path),
    })
  const WRITES = new Set(['write', 'writev', 'writeFile', 'appendFile'])
  const open: typeof fs.open = async (path, flags, mode) => {
    const handle = await fs.open(path, flags, mode)
    return new Proxy(handle, {
      get(target, property) {
        if (disk.full && typeof property === 'string' && WRITES.has(property)) {
          return () => Promise.reject(noSpace('write', path))
        }
        const value = Reflect.get(target, property)
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
  }
  const writeFile_: typeof fs.writeFile = (path, ...rest) =>
    disk.full ? Promise.reject(noSpace('write', path)) : fs.writeFile(path, ...rest)
  // A folder that exists already takes no space: only a new one fails.
  const mkdir = (async (path, options) => {
    if (disk.full && !(await exists(path))) throw noSpace('mkdir', path)
    return fs.mkdir(path, options)
  }) as typeof fs.mkdir
  const exists = (path: Parameters<typeof fs.access>[0]): Promise<boolean> =>
    fs.access(path).then(
      () => true,
      () => false,
    )
  return { ...fs, open, writeFile: writeFile_, mkdir }
})

const MANIFEST_TYPE = 'application/vnd.oci.image.manifest.v1+json'
const DISK_FULL_BODY = {
  errors: [{ code: 'UNKNOWN', message: "the registry's disk is full", detail: null }],
}
const UNKNOWN_BODY = { errors: [{ code: 'UNKNOWN', message: 'unknown error', detail: null }] }

let dataDir: string
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'server-failures-'))
})
afterEach(async () => {
  disk.full = false
  await rm(dataDir, { recursive: true, force: true })
})

async function answer(res: Response): Promise<{ status: number; text: string }> {
  return { status: res.status, text: await res.text() }
}

function expectAnswer(got: { status: number; text: string }, status: number, body: unknown): void {
  expect(got.status, got.text).toBe(status)
  expect(JSON.parse(got.text)).toEqual(body)
  expect(got.text).not.toContain(dataDir)
}

describe('a full disk', () => {
  it('is answered 507 "the registry\'s disk is full", without a path, and leaves the store consistent', async () => {
    const events: LogEvent[] = []
    await using registry = await startLocalRegistry({
      dataDir,
      logger: (event) => events.push(event),
    })
    const { url } = registry
    const repository = 'team/app'
    const config = Buffer.from('{"disk":"full"}')
    const layer = Buffer.alloc(3 * 1024 * 1024, 7)
    await pushBlob(url, repository, config)
    await pushBlob(url, repository, layer)
    const manifest = imageManifest({ digest: sha256(config), size: config.byteLength }, [
      { digest: sha256(layer), size: layer.byteLength },
    ])
    const putManifest = (): Promise<Response> =>
      fetch(`${url}/v2/${repository}/manifests/v1`, {
        method: 'PUT',
        body: manifest,
        headers: { 'content-type': MANIFEST_TYPE },
      })
    const opened = await fetch(`${url}/v2/${repository}/blobs/uploads/`, { method: 'POST' })
    expect(opened.status).toBe(202)
    const session = new URL(opened.headers.get('location') ?? '', url)
    const other = Buffer.alloc(2 * 1024 * 1024, 9)

    disk.full = true
    expectAnswer(await answer(await putManifest()), 507, DISK_FULL_BODY)
    const patch = await fetch(session, {
      method: 'PATCH',
      body: other,
      headers: { 'content-type': 'application/octet-stream' },
    })
    expectAnswer(await answer(patch), 507, DISK_FULL_BODY)
    const monolithic = await fetch(
      `${url}/v2/${repository}/blobs/uploads/?digest=${sha256(other)}`,
      { method: 'POST', body: other, headers: { 'content-type': 'application/octet-stream' } },
    )
    expectAnswer(await answer(monolithic), 507, DISK_FULL_BODY)

    // Nothing half-done became visible.
    expect((await fetch(`${url}/v2/${repository}/manifests/v1`)).status).toBe(404)
    expect((await fetch(`${url}/v2/${repository}/blobs/${sha256(other)}`)).status).toBe(404)
    expect((await checkStore(dataDir)).problems).toEqual([])
    // The operator learns the cause, path and all, from the log.
    const failures = events.filter((event) => event.status === 507)
    expect(failures).toHaveLength(3)
    for (const event of failures) {
      expect(event).toMatchObject({ level: 'error', error: { code: 'ENOSPC' } })
    }

    disk.full = false
    expect((await putManifest()).status).toBe(201)
    await pushBlob(url, repository, other)
    expect((await fetch(`${url}/v2/${repository}/manifests/v1`)).status).toBe(200)
    expect((await fetch(`${url}/v2/${repository}/blobs/${sha256(other)}`)).status).toBe(200)
    expect((await checkStore(dataDir)).problems).toEqual([])
  })
})

describe('a write a full disk refuses', () => {
  it('leaves no temp file behind, however often it is retried', async () => {
    await using registry = await startLocalRegistry({ dataDir, logLevel: 'silent' })
    const { url } = registry
    const repository = 'team/app'
    const config = Buffer.from('{"temp":"files"}')
    await pushBlob(url, repository, config)
    const manifest = imageManifest({ digest: sha256(config), size: config.byteLength }, [])
    const putManifest = (): Promise<Response> =>
      fetch(`${url}/v2/${repository}/manifests/v1`, {
        method: 'PUT',
        body: manifest,
        headers: { 'content-type': MANIFEST_TYPE },
      })
    // Pushed and deleted once, so its folder exists: the PUT gets as far as writing the file.
    expect((await putManifest()).status).toBe(201)
    const digest = sha256(manifest)
    const deleted = await fetch(`${url}/v2/${repository}/manifests/${digest}`, {
      method: 'DELETE',
    })
    expect(deleted.status).toBe(202)

    disk.full = true
    for (let i = 0; i < 5; i++) {
      expectAnswer(await answer(await putManifest()), 507, DISK_FULL_BODY)
    }
    // Each failed write used to keep its part-written temp file until the next start, holding
    // the space an operator freed meanwhile.
    expect(await readdir(join(dataDir, 'tmp'))).toEqual([])

    disk.full = false
    expect((await putManifest()).status).toBe(201)
    expect((await checkStore(dataDir)).problems).toEqual([])
  })
})

describe('any other failure of the server', () => {
  it('is a bare 500 UNKNOWN whose body names no path; the cause goes to the log', async () => {
    const events: LogEvent[] = []
    await using registry = await startLocalRegistry({
      dataDir,
      logger: (event) => events.push(event),
    })
    // Uploads can no longer be stored: their folder is now a file.
    await rm(join(dataDir, 'uploads'), { recursive: true })
    await writeFile(join(dataDir, 'uploads'), 'not a folder')
    const res = await fetch(`${registry.url}/v2/team/app/blobs/uploads/`, { method: 'POST' })
    expectAnswer(await answer(res), 500, UNKNOWN_BODY)
    await expect.poll(() => events.length).toBe(1)
    expect(events[0]).toMatchObject({
      status: 500,
      error: { code: 'ENOTDIR', message: expect.stringContaining(dataDir) },
    })
  })

  it('an authorize hook that throws is a bare 500 UNKNOWN too', async () => {
    await using registry = await startLocalRegistry({
      authorize: () => {
        throw new Error(`cannot read ${dataDir}/policy.json`)
      },
      logLevel: 'silent',
    })
    expectAnswer(await answer(await fetch(`${registry.url}/v2/`)), 500, UNKNOWN_BODY)
  })
})
