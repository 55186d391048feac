import {
  appendFile,
  copyFile,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { FsMetadataStore } from '../../src/storage/metadata-store.js'
import {
  changedCopy,
  emptyChange,
  isEmptyAfter,
  type RecordChange,
} from '../../src/storage/record-change.js'
import type { ManifestRecord, RepositoryRecord } from '../../src/storage/repository-record.js'

// The metadata store keeps a record file per repository and a log of the changes since it was
// last written whole. These tests drive it as RegistryStore does and read the directory back
// as a restarted registry would.

/**
 * File operations the tests make fail: flushing a folder (opening it to fsync) or removing a
 * file, when its path ends with the given text; and the folders flushed, while `counting`.
 */
const faults = vi.hoisted(() => ({
  flushFolder: undefined as string | undefined,
  remove: undefined as string | undefined,
  counting: false,
  foldersFlushed: [] as string[],
}))

vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>()
  const open = ((path, flags, mode) => {
    if (flags === 'r') {
      if (faults.counting) faults.foldersFlushed.push(String(path))
      if (faults.flushFolder !== undefined && String(path).endsWith(faults.flushFolder)) {
        return Promise.reject(
          Object.assign(new Error('EMFILE: too many open files'), { code: 'EMFILE' }),
        )
      }
    }
    return fs.open(path, flags, mode)
  }) as typeof fs.open
  const rm = ((path, options) => {
    if (faults.remove !== undefined && String(path).endsWith(faults.remove)) {
      return Promise.reject(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }))
    }
    return fs.rm(path, options)
  }) as typeof fs.rm
  return { ...fs, open, rm }
})

let root: string
let records: Map<string, RepositoryRecord>
let store: FsMetadataStore

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'metadata-log-'))
  await mkdir(join(root, 'tmp'))
  store = new FsMetadataStore(root, join(root, 'tmp'))
  records = await store.loadAll()
})
afterEach(async () => {
  Object.assign(faults, { flushFolder: undefined, remove: undefined, counting: false })
  faults.foldersFlushed.length = 0
  await rm(root, { recursive: true, force: true })
})

const REPO = 'team/app'
const RECORD_FILE = join('repositories', 'team%2Fapp.json')
const LOG_FILE = join('repositories', 'team%2Fapp.log')

function manifest(size: number): ManifestRecord {
  return {
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    size,
    references: [],
    createdAt: 1,
  }
}

/** A tag push: its manifest and the tag pointing at it. */
function tagPush(tag: string, n: number): RecordChange {
  const change = emptyChange()
  const digest = `sha256:${n.toString(16).padStart(64, '0')}`
  change.manifests.set(digest, manifest(n))
  change.tags.set(tag, digest)
  return change
}

/** The change that removes every manifest and tag of `repository` (these tests link no blob). */
function clearing(repository: string): RecordChange {
  const change = emptyChange()
  for (const digest of records.get(repository)?.manifests.keys() ?? []) {
    change.manifests.set(digest, null)
  }
  for (const tag of records.get(repository)?.tags.keys() ?? []) change.tags.set(tag, null)
  return change
}

/** Persist a change, then make it in memory, as RegistryStore does. */
async function save(change: RecordChange, repository = REPO): Promise<void> {
  const current = records.get(repository)
  const emptied = isEmptyAfter(current, change)
  await store.save(repository, change, emptied ? undefined : () => changedCopy(current, change))
  if (emptied) records.delete(repository)
  else records.set(repository, changedCopy(current, change))
}

/** What a restarted registry reads from the directory. */
async function reload(): Promise<Map<string, RepositoryRecord>> {
  store = new FsMetadataStore(root, join(root, 'tmp'))
  return store.loadAll()
}

function tagsOf(loaded: Map<string, RepositoryRecord>, repository = REPO): string[] {
  return [...(loaded.get(repository)?.tags.keys() ?? [])].sort()
}

const size = async (file: string): Promise<number> => (await stat(join(root, file))).size

describe('the repository metadata log', () => {
  it('logs each change after the first instead of rewriting the record, and reads it all back', async () => {
    await save(tagPush('v0', 0))
    const record = await stat(join(root, RECORD_FILE))
    for (let n = 1; n <= 50; n++) await save(tagPush(`v${n}`, n))

    const after = await stat(join(root, RECORD_FILE))
    expect(after.ino).toBe(record.ino) // never replaced
    expect(after.mtimeMs).toBe(record.mtimeMs)
    // One line per change, of the change's size: far from 50 copies of the repository.
    const lines = (await readFile(join(root, LOG_FILE), 'utf8')).trimEnd().split('\n')
    expect(lines).toHaveLength(50)
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThan(500)

    const loaded = await reload()
    expect(loaded.get(REPO)).toEqual(records.get(REPO))
    expect(tagsOf(loaded)).toHaveLength(51)
  })

  it('rewrites the record and empties the log once the log outgrows it', async () => {
    await save(tagPush('v0', 0))
    let n = 1
    while ((await size(LOG_FILE).catch(() => 0)) < 256 * 1024) await save(tagPush(`v${n}`, n++))
    const before = (await stat(join(root, RECORD_FILE))).ino

    await save(tagPush('last', n))
    expect((await stat(join(root, RECORD_FILE))).ino).not.toBe(before)
    expect(await size(LOG_FILE)).toBe(0)
    await save(tagPush('after', n + 1))
    expect(await size(LOG_FILE)).toBeGreaterThan(0)

    const loaded = await reload()
    expect(loaded.get(REPO)).toEqual(records.get(REPO))
    expect(tagsOf(loaded)).toContain('after')
  })

  it('leaves out a last line cut short by a crash, and appends nothing after it', async () => {
    await save(tagPush('v1', 1))
    await save(tagPush('v2', 2))
    const whole = await readFile(join(root, LOG_FILE), 'utf8')
    await appendFile(join(root, LOG_FILE), whole.slice(0, 40)) // a write the crash cut

    const loaded = await reload()
    expect(tagsOf(loaded)).toEqual(['v1', 'v2'])
    records = loaded
    await save(tagPush('v3', 3))
    // The record was written whole and the log (with the cut line) emptied.
    expect(await size(LOG_FILE)).toBe(0)
    await save(tagPush('v4', 4))
    expect(tagsOf(await reload())).toEqual(['v1', 'v2', 'v3', 'v4'])
  })

  it('refuses to start on a damaged line before the end, naming the file and the line', async () => {
    for (let n = 0; n <= 3; n++) await save(tagPush(`v${n}`, n)) // the record, then 3 lines
    const lines = (await readFile(join(root, LOG_FILE), 'utf8')).split('\n')
    expect(lines).toHaveLength(4)
    lines[1] = `${lines[1]?.slice(0, 30)}#`
    await rm(join(root, LOG_FILE))
    await appendFile(join(root, LOG_FILE), lines.join('\n'))

    await expect(reload()).rejects.toThrow(/team%2Fapp\.log:2 is damaged/)
  })

  it.each([
    ['no JSON', 'a note an operator left here\n'],
    ['no JSON object', '[1, 2]'],
  ])('refuses to start on a record file that holds %s, naming the file', async (_, text) => {
    await save(tagPush('v0', 0))
    await writeFile(join(root, 'repositories', '._team%2Fapp.json'), text)
    await expect(reload()).rejects.toThrow(/repositories\/\._team%2Fapp\.json is damaged: not/)
  })

  it('skips the lines of an earlier epoch: a crash between rewriting the record and emptying its log', async () => {
    await save(tagPush('v0', 0))
    await save(tagPush('gone', 1))
    const stale = join(root, 'stale.log')
    await copyFile(join(root, LOG_FILE), stale)
    // Untagged, then enough changes to rewrite the record without the tag.
    const untag = emptyChange()
    untag.tags.set('gone', null)
    await save(untag)
    let n = 2
    const epochOf = async (): Promise<string> =>
      (JSON.parse(await readFile(join(root, RECORD_FILE), 'utf8')) as { epoch: string }).epoch
    const first = await epochOf()
    while ((await epochOf()) === first) await save(tagPush(`v${n}`, n++))
    // The old log comes back, as if the truncation after the rewrite never reached the disk.
    await copyFile(stale, join(root, LOG_FILE))

    const loaded = await reload()
    expect(tagsOf(loaded)).not.toContain('gone')
    expect(loaded.get(REPO)).toEqual(records.get(REPO))
  })

  it('removes the record and its log when the repository is emptied; a log left alone is removed at start', async () => {
    await save(tagPush('v1', 1))
    await save(tagPush('v2', 2))
    const clear = clearing(REPO)
    await save(clear)
    expect(await readdir(join(root, 'repositories'))).toEqual([])

    // A deletion cut by a crash after the record went: its log is all that is left.
    await save(tagPush('v1', 1), 'other/app')
    await save(tagPush('v2', 2), 'other/app')
    await rm(join(root, 'repositories', 'other%2Fapp.json'))
    const loaded = await reload()
    expect(loaded.has('other/app')).toBe(false)
    expect(await readdir(join(root, 'repositories'))).toEqual([])
  })

  it('does not replay the log of a deleted repository into one created again under its name', async () => {
    await save(tagPush('old', 1))
    await save(tagPush('old-2', 2))
    const stale = join(root, 'stale.log')
    await copyFile(join(root, LOG_FILE), stale)
    const clear = clearing(REPO)
    await save(clear)
    await save(tagPush('new', 3))
    await copyFile(stale, join(root, LOG_FILE))

    expect(tagsOf(await reload())).toEqual(['new'])
  })

  it('keeps tags named like Object.prototype members through the log', async () => {
    await save(tagPush('v0', 0))
    for (const [n, tag] of ['__proto__', 'constructor', 'toString'].entries()) {
      await save(tagPush(tag, n + 1))
    }
    expect(tagsOf(await reload())).toEqual(['__proto__', 'constructor', 'toString', 'v0'])
  })

  it('a failed append changes nothing on disk; the next change rewrites the record', async () => {
    await save(tagPush('v1', 1))
    await save(tagPush('v2', 2))
    // The log cannot be opened for appending: a folder stands where it is.
    await rm(join(root, LOG_FILE))
    await mkdir(join(root, LOG_FILE))
    await expect(
      store.save(REPO, tagPush('lost', 3), () =>
        changedCopy(records.get(REPO), tagPush('lost', 3)),
      ),
    ).rejects.toThrow()

    await save(tagPush('v3', 4))
    await rm(join(root, LOG_FILE), { recursive: true })
    // v2 was only in the log that went; the rewrite after the failure holds it with v3.
    expect(tagsOf(await reload())).toEqual(['v1', 'v2', 'v3'])
  })

  it('leaves out a damaged last line that ends in a newline: a power loss kept its last page only', async () => {
    await save(tagPush('v1', 1))
    await save(tagPush('v2', 2))
    await appendFile(join(root, LOG_FILE), `${'\0'.repeat(60)}"]]}\n`)

    const loaded = await reload()
    expect(tagsOf(loaded)).toEqual(['v1', 'v2'])
    records = loaded
    await save(tagPush('v3', 3))
    expect(await size(LOG_FILE)).toBe(0) // rewritten, not appended after the damage
    expect(tagsOf(await reload())).toEqual(['v1', 'v2', 'v3'])
  })

  it('a change whose new log cannot be made durable fails whole: it never comes back', async () => {
    await save(tagPush('v1', 1)) // the record: the next change creates the log
    faults.flushFolder = 'repositories'
    const failed = tagPush('failed', 2)
    await expect(
      store.save(REPO, failed, () => changedCopy(records.get(REPO), failed)),
    ).rejects.toThrow(/EMFILE/)
    faults.flushFolder = undefined
    await save(tagPush('v2', 3))
    expect(tagsOf(await reload())).toEqual(['v1', 'v2'])
  })

  it('flushes the folder again before the first line appended after a start', async () => {
    await save(tagPush('v1', 1))
    await save(tagPush('v2', 2)) // the log exists from here
    records = await reload()
    faults.counting = true
    await save(tagPush('v3', 3))
    expect(faults.foldersFlushed).toEqual([join(root, 'repositories')])
  })

  it('flushes the folder at start, so nothing acknowledged later rests on an undone rename', async () => {
    await save(tagPush('v1', 1))
    faults.counting = true
    await reload()
    expect(faults.foldersFlushed).toContain(join(root, 'repositories'))
  })

  it('a deletion whose removal cannot be made durable fails: the record is written whole again next', async () => {
    await save(tagPush('v1', 1))
    await save(tagPush('v2', 2))
    // The folder cannot be flushed (too many open files): the record's removal may be undone by a
    // power loss, so the deletion must not be acknowledged (a collection would then free the
    // blobs that the record, come back, still names).
    faults.flushFolder = 'repositories'
    const clear = clearing(REPO)
    await expect(store.save(REPO, clear, undefined)).rejects.toThrow(/EMFILE/)
    faults.flushFolder = undefined
    // Still there in memory, and on disk again with the next change.
    await save(tagPush('v3', 3))
    expect(tagsOf(await reload())).toEqual(['v1', 'v2', 'v3'])
  })

  it('a deletion is made once the record is gone, even if its log cannot be removed', async () => {
    await save(tagPush('v1', 1))
    await save(tagPush('v2', 2))
    faults.remove = '.log'
    const clear = clearing(REPO)
    await save(clear) // resolves: the repository is gone
    expect(records.has(REPO)).toBe(false)
    faults.remove = undefined
    expect((await reload()).has(REPO)).toBe(false)
    expect(await readdir(join(root, 'repositories'))).toEqual([])
  })
})
