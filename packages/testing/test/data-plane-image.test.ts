import { execFile } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeUniqueImage } from '../src/suites/data-plane-image.js'
import { tarWithOneFile } from '../src/suites/data-plane-tar.js'

const run = promisify(execFile)
let work: string
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'data-plane-image-'))
})
afterAll(() => rm(work, { recursive: true, force: true }))

describe('the data plane group’s image', () => {
  it('has a layer that tar reads back: the one file, its bytes and its size', async () => {
    const content = randomBytes(1500) // more than one block, not a multiple of one
    const archive = join(work, 'layer.tar')
    await writeFile(archive, tarWithOneFile('data-plane.bin', content))
    const listing = await run('tar', ['-tvf', archive])
    expect(listing.stdout).toMatch(/-rw-r--r-- .*\b1500\b.* data-plane\.bin\n$/)
    const extracted = await run('tar', ['-xOf', archive, 'data-plane.bin'], {
      encoding: 'buffer',
    })
    expect(Buffer.compare(extracted.stdout, content)).toBe(0)
  })

  it('is an OCI layout skopeo reads, with the manifest digest it reports', async () => {
    const image = await writeUniqueImage(join(work, 'layout'))
    const raw = await run('skopeo', ['inspect', '--raw', image.layout], { encoding: 'buffer' })
    expect(`sha256:${createHash('sha256').update(raw.stdout).digest('hex')}`).toBe(
      image.manifestDigest,
    )
    const inspected = JSON.parse((await run('skopeo', ['inspect', image.layout])).stdout)
    expect(inspected).toMatchObject({ Os: 'linux', Architecture: 'amd64' })
    expect(inspected.Layers).toHaveLength(1)
  })

  it('is new every time: two images never share a manifest', async () => {
    const first = await writeUniqueImage(join(work, 'first'))
    const second = await writeUniqueImage(join(work, 'second'))
    expect(first.manifestDigest).not.toBe(second.manifestDigest)
  })
})
