import { randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import {
  type FileHandle,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  truncate,
  utimes,
  writeFile,
} from 'node:fs/promises'
import { join } from 'node:path'
import type { Writable } from 'node:stream'
import { parseDigest } from '../digest.js'
import { AppendWriter } from './append-writer.js'
import { syncDirectory, writeFileAtomic } from './atomic-write.js'
import { BackgroundSync } from './background-sync.js'
import type {
  BlobInfo,
  BlobStore,
  ByteRange,
  OpenBlob,
  StoredChunks,
  UploadMeta,
} from './blob-store.js'
import { makeDirectoryDurably } from './durable-directory.js'
import { sendFile } from './file-sender.js'

const READ_CHUNK = 1024 * 1024
const UPLOAD_ID = /^[a-f0-9-]{8,64}$/

/**
 * Blobs on disk: `blobs/<alg>/<2 hex>/<hex>`, uploads in `uploads/<id>/{data,meta.json}`. A blob
 * becomes visible only by the rename that follows an fsync, so every visible blob hashes to its
 * name whatever instant a crash hits.
 */
export class FsBlobStore implements BlobStore {
  readonly #root: string
  readonly #syncs: BackgroundSync
  /**
   * Each session's metadata, once written or read: it never changes, and reading `meta.json`
   * again on every request of a chunked upload took four trips to the thread pool. Entries go
   * with their sessions; only this process uses the data directory (it holds its lock).
   */
  readonly #metas = new Map<string, UploadMeta>()
  /** Deletions so far: a read during which this changed may have seen a session being deleted. */
  #deletions = 0

  private constructor(root: string, syncs: BackgroundSync) {
    this.#root = root
    this.#syncs = syncs
  }

  /**
   * Open (creating) a store in `root`; leftover temp files of a crash are removed.
   * @param syncs how uploads are flushed as they grow (tests pass their own)
   */
  static async open(
    root: string,
    syncs: BackgroundSync = new BackgroundSync(),
  ): Promise<FsBlobStore> {
    for (const dir of ['blobs', 'uploads', 'tmp']) await makeDirectoryDurably(join(root, dir))
    // A process killed between making a folder and flushing its parent left the folder, and no
    // later `mkdir` makes it again: each parent is flushed here, before anything is stored. That
    // is the data directory (`blobs/`, `uploads/`, `repositories/`), `blobs/` (an algorithm's
    // folder, made with its first blob) and each algorithm's folder (the fan-out folders).
    await syncDirectory(root)
    await syncDirectory(join(root, 'blobs'))
    for (const algorithm of await readdir(join(root, 'blobs'))) {
      await syncDirectory(join(root, 'blobs', algorithm))
    }
    await rm(join(root, 'tmp'), { recursive: true, force: true })
    await mkdir(join(root, 'tmp'))
    return new FsBlobStore(root, syncs)
  }

  /** Folder for temp files on the same filesystem (atomic renames). */
  get tmpDir(): string {
    return join(this.#root, 'tmp')
  }

  async stat(digest: string): Promise<BlobInfo | undefined> {
    try {
      const s = await stat(this.#blobPath(digest))
      return { size: s.size, createdAt: s.mtime }
    } catch (error) {
      if (isAbsence(error)) return undefined
      throw error
    }
  }

  async open(digest: string): Promise<OpenBlob | undefined> {
    let file: FileHandle
    try {
      file = await open(this.#blobPath(digest), 'r')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw error
    }
    try {
      const { size } = await file.stat()
      let closed: Promise<void> | undefined
      return {
        size,
        send: (destination: Writable, range?: ByteRange) =>
          sendFile(file, size, destination, range),
        close: () => {
          closed ??= file.close()
          return closed
        },
      }
    } catch (error) {
      await file.close()
      throw error
    }
  }

  async readAll(digest: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.#blobPath(digest))
    } catch (error) {
      // Deleted since it was looked up (a collection after a manifest's delete): not there.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw error
    }
  }

  async writeSmall(digest: string, bytes: Buffer): Promise<void> {
    const path = this.#blobPath(digest)
    await makeDirectoryDurably(join(path, '..'))
    await writeFileAtomic(path, bytes, this.tmpDir)
  }

  async delete(digest: string): Promise<void> {
    await rm(this.#blobPath(digest), { force: true })
  }

  async touch(digest: string): Promise<void> {
    const now = new Date()
    await utimes(this.#blobPath(digest), now, now).catch(() => {})
  }

  async *list(): AsyncIterable<string> {
    for (const algorithm of await readdir(join(this.#root, 'blobs'))) {
      for (const fan of await folderEntries(join(this.#root, 'blobs', algorithm))) {
        for (const hex of await folderEntries(join(this.#root, 'blobs', algorithm, fan))) {
          if (parseDigest(`${algorithm}:${hex}`)) yield `${algorithm}:${hex}`
        }
      }
    }
  }

  async createUpload(id: string, meta: UploadMeta): Promise<void> {
    const dir = this.#uploadDir(id)
    await mkdir(dir, { recursive: true })
    await writeFile(join(dir, 'data'), '')
    await writeFileAtomic(join(dir, 'meta.json'), JSON.stringify(meta), this.tmpDir)
    this.#metas.set(id, { ...meta })
  }

  async uploadState(id: string): Promise<(UploadMeta & { size: number }) | undefined> {
    if (!UPLOAD_ID.test(id)) return undefined // a stray name in uploads/, not one of our sessions
    try {
      const dir = this.#uploadDir(id)
      const deletions = this.#deletions
      const cached = this.#metas.get(id)
      const meta =
        cached ?? (JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')) as UploadMeta)
      // Asked each time: the data file is the truth for the size, and its absence ends the session.
      const { size } = await stat(join(dir, 'data'))
      // Kept only when no deletion ran meanwhile: this read may have seen the files of a session
      // a deletion was moving away, and an entry kept for it would outlive it.
      if (cached === undefined && deletions === this.#deletions) this.#metas.set(id, meta)
      return { ...meta, size }
    } catch (error) {
      // A file that is not there ends the session; a `meta.json` that is not JSON was never
      // written whole (written atomically, so not by a crash of ours) and names no session either.
      // Anything else (too many open files, a disk error) may pass: the session is still there.
      if (!isAbsence(error) && !(error instanceof SyntaxError)) throw error
      this.#metas.delete(id)
      return undefined
    }
  }

  async append(
    id: string,
    source: AsyncIterable<Uint8Array>,
    onStored: StoredChunks,
  ): Promise<number> {
    const path = join(this.#uploadDir(id), 'data')
    const chunks = source[Symbol.asyncIterator]()
    // The file is opened once bytes arrive, not before: a request that declares a body and sends
    // nothing must not hold a descriptor (thousands of them would exhaust the process's).
    const first = await chunks.next()
    if (first.done === true) return 0
    let file: FileHandle
    try {
      file = await open(path, 'a')
    } catch (error) {
      await chunks.return?.()
      throw error
    }
    const rest: AsyncIterable<Uint8Array> = { [Symbol.asyncIterator]: () => chunks }
    let writer: AppendWriter | undefined
    try {
      const { size } = await file.stat()
      const grew = (from: number, to: number): void => this.#syncs.grew(path, from, to)
      writer = new AppendWriter(file, size, grew, (chunks, from, to) =>
        onStored(chunks, { path, from, to }),
      )
      await writer.push(first.value)
      for await (const chunk of rest) await writer.push(chunk)
      return await writer.finish()
    } catch (error) {
      // The loop stops reading the source when it fails; a failure before the loop must too.
      await chunks.return?.()
      throw error
    } finally {
      await writer?.settle()
      await file.close()
    }
  }

  async truncateUpload(id: string, size: number): Promise<void> {
    await truncate(join(this.#uploadDir(id), 'data'), size)
  }

  readUpload(id: string): AsyncIterable<Uint8Array> {
    return createReadStream(join(this.#uploadDir(id), 'data'), { highWaterMark: READ_CHUNK })
  }

  async commitUpload(id: string, digest: string): Promise<void> {
    const data = join(this.#uploadDir(id), 'data')
    try {
      await this.#syncs.settled(data)
    } catch (error) {
      // Bytes that may never have reached the disk cannot become a blob: the client pushes again.
      await this.deleteUpload(id)
      throw error
    }
    const file = await open(data, 'r+')
    try {
      await file.sync()
    } finally {
      await file.close()
    }
    const path = this.#blobPath(digest)
    const dir = join(path, '..')
    await makeDirectoryDurably(dir)
    // Renaming over an existing copy is harmless: both hash to the same digest.
    await rename(data, path)
    await syncDirectory(dir)
    await this.deleteUpload(id)
  }

  async deleteUpload(id: string): Promise<void> {
    const dir = this.#uploadDir(id)
    await this.#syncs.forget(join(dir, 'data'))
    // Out of uploads/ in one step, then removed: a removal that fails halfway must not leave a
    // session in uploads/ without its state (it would look newly changed, not expired).
    const doomed = join(this.tmpDir, `${id}.${randomBytes(4).toString('hex')}.deleted`)
    try {
      await rename(dir, doomed)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
      throw error
    } finally {
      // Once the files are gone (or failed to go: they are read again then).
      this.#deletions += 1
      this.#metas.delete(id)
    }
    // What cannot be removed now goes with the rest of tmp/ when the store is next opened.
    await rm(doomed, { recursive: true, force: true }).catch(() => {})
  }

  async listUploads(): Promise<string[]> {
    return readdir(join(this.#root, 'uploads'))
  }

  async uploadChangedAt(id: string): Promise<number | undefined> {
    if (!UPLOAD_ID.test(id)) return undefined // as in uploadState
    try {
      // The folder changes as the session's files are created or removed, not as bytes arrive.
      return (await stat(this.#uploadDir(id))).mtimeMs
    } catch (error) {
      if (isAbsence(error)) return undefined // gone
      throw error
    }
  }

  #blobPath(digest: string): string {
    const parsed = parseDigest(digest)
    if (parsed === undefined) throw new Error(`not a digest: ${digest}`)
    return join(this.#root, 'blobs', parsed.algorithm, parsed.hex.slice(0, 2), parsed.hex)
  }

  #uploadDir(id: string): string {
    if (!UPLOAD_ID.test(id)) throw new Error(`not an upload id: ${id}`)
    return join(this.#root, 'uploads', id)
  }
}

/**
 * The entries of a folder of the blob layout; none when `path` is a file. The store makes only
 * folders down to the blobs themselves, so a file there is not its own (a `.DS_Store` a file
 * browser left, a note an operator dropped): listed as a folder, it failed every collection
 * with ENOTDIR, and no blob was freed again.
 */
async function folderEntries(path: string): Promise<string[]> {
  try {
    return await readdir(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return []
    throw error
  }
}

/** Whether a filesystem error says the path is not there (as opposed to unreadable). */
function isAbsence(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  return code === 'ENOENT' || code === 'ENOTDIR'
}
