import { randomBytes } from 'node:crypto'
import { type FileHandle, mkdir, open, readdir, readFile, rm, truncate } from 'node:fs/promises'
import { join } from 'node:path'
import { syncDirectory, writeFileAtomic } from './atomic-write.js'
import { applyChange, type RecordChange } from './record-change.js'
import { logLine, readLog } from './record-log.js'
import {
  isRepositoryFile,
  logFileOf,
  nameInFileName,
  recordFileOfLog,
  repositoryFileName,
} from './repository-file-name.js'
import {
  isEmptyRecord,
  type RepositoryRecord,
  recordFromStored,
  type StoredRepositoryRecord,
  storedRecord,
} from './repository-record.js'

/** Where repository records are persisted. */
export interface MetadataStore {
  loadAll(): Promise<Map<string, RepositoryRecord>>
  /**
   * Persist one change of a repository, atomically: after a crash, the repository reads back as
   * it was before the change or after it.
   * @param after the whole record once changed, built only if the store writes it whole;
   *   `undefined` when the change leaves the repository empty, which removes it
   */
  save(
    repository: string,
    change: RecordChange,
    after: (() => RepositoryRecord) | undefined,
  ): Promise<void>
}

/** Keeps nothing: the in-memory registry's metadata lives only in its maps. */
export class MemoryMetadataStore implements MetadataStore {
  async loadAll(): Promise<Map<string, RepositoryRecord>> {
    return new Map()
  }
  async save(): Promise<void> {}
}

/**
 * A log stays appended to until it is this large, or as large as its record file if that is
 * larger: rewriting the record then costs about what was appended since, so a change costs the
 * size of what it changes, however large the repository.
 */
const COMPACT_AT_BYTES = 256 * 1024

/**
 * Per repository, in `repositories/` (named by {@link repositoryFileName}): a JSON record file
 * of the whole repository, replaced atomically, and a log of the changes made since (see
 * `record-log.ts`), each appended and flushed to disk before it is acknowledged. A change is one
 * appended line, so pushing a tag into a repository of 10,000 tags writes a few hundred bytes,
 * not the repository; once the log outgrows the record, the record is written whole again.
 *
 * A crash leaves each repository as it was before or after its last change: the record file is
 * replaced whole or not at all, and a log line cut short by the crash was never acknowledged and
 * is left out. The record names the epoch its log lines must carry, so lines logged before the
 * record was last rewritten, or before its repository was deleted and created again, are never
 * applied twice or to the wrong repository.
 */
export class FsMetadataStore implements MetadataStore {
  readonly #dir: string
  readonly #tmpDir: string
  /** By repository name, for each repository with a record file. */
  readonly #logs = new Map<string, LogState>()

  constructor(root: string, tmpDir: string) {
    this.#dir = join(root, 'repositories')
    this.#tmpDir = tmpDir
  }

  async loadAll(): Promise<Map<string, RepositoryRecord>> {
    await mkdir(this.#dir, { recursive: true })
    const records = new Map<string, RepositoryRecord>()
    const files = await readdir(this.#dir)
    const present = new Set(files)
    for (const file of files) {
      if (isRepositoryFile(file)) {
        const loaded = await this.#load(file)
        if (loaded === undefined) continue
        records.set(loaded.name, loaded.record)
        this.#logs.set(loaded.name, loaded.log)
        continue
      }
      // A log without its record is what a deletion interrupted by a crash leaves.
      const recordFile = recordFileOfLog(file)
      if (recordFile !== undefined && !present.has(recordFile)) {
        await rm(join(this.#dir, file), { force: true })
      }
    }
    // What a killed process renamed, created or removed here may not be on disk yet: changes
    // acknowledged from now on must not rest on a record file that a power loss could undo.
    await syncDirectory(this.#dir)
    return records
  }

  async save(
    repository: string,
    change: RecordChange,
    after: (() => RepositoryRecord) | undefined,
  ): Promise<void> {
    const recordFile = repositoryFileName(repository)
    if (after === undefined) return this.#remove(repository, recordFile)
    const log = this.#logs.get(repository)
    if (log === undefined || log.mustRewrite || log.bytes >= compactAt(log)) {
      return this.#rewrite(repository, recordFile, after())
    }
    await this.#append(log, join(this.#dir, logFileOf(recordFile)), logLine(log.epoch, change))
  }

  async #load(
    file: string,
  ): Promise<{ name: string; record: RepositoryRecord; log: LogState } | undefined> {
    const path = join(this.#dir, file)
    const text = await readFile(path, 'utf8')
    const stored = JSON.parse(text) as StoredRepositoryRecord
    const name = stored.name ?? nameInFileName(file)
    if (name === undefined) throw new Error(`the repository record ${path} names no repository`)
    const record = recordFromStored(stored)
    // A record written before logs existed has no epoch: it is rewritten at its first change.
    const log: LogState = {
      epoch: stored.epoch ?? '',
      recordBytes: Buffer.byteLength(text),
      bytes: 0,
      durable: false,
      mustRewrite: stored.epoch === undefined,
    }
    const logPath = join(this.#dir, logFileOf(file))
    const logged = await readFile(logPath).catch(ignoreMissing)
    if (logged !== undefined) {
      const { changes, torn } = readLog(logged.toString('utf8'), stored.epoch, logPath)
      for (const change of changes) applyChange(record, change)
      log.bytes = logged.byteLength
      log.durable = true
      // Nothing may follow a cut line: the record is rewritten at the next change instead.
      if (torn) log.mustRewrite = true
    }
    // A repository a change emptied has no files left; one found empty is no repository.
    if (isEmptyRecord(record)) return undefined
    return { name, record, log }
  }

  /** Write the whole record under a new epoch, then empty its log. */
  async #rewrite(repository: string, recordFile: string, record: RepositoryRecord): Promise<void> {
    const epoch = randomBytes(8).toString('hex')
    const text = JSON.stringify({ ...storedRecord(repository, record), epoch })
    await writeFileAtomic(join(this.#dir, recordFile), text, this.#tmpDir)
    // The log's lines carry the former epoch and are skipped from now on, whether or not the
    // truncation below happens; until it does, nothing is appended after them.
    const log: LogState = {
      epoch,
      recordBytes: Buffer.byteLength(text),
      bytes: 0,
      durable: false,
      mustRewrite: true,
    }
    this.#logs.set(repository, log)
    try {
      await truncate(join(this.#dir, logFileOf(recordFile)), 0)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return
    }
    log.mustRewrite = false
  }

  /**
   * Append one line and flush it. Once the flush returned, the change is made whatever happens
   * next; before, any failure takes the line back as far as it can and throws.
   */
  async #append(log: LogState, path: string, line: string): Promise<void> {
    const bytes = Buffer.byteLength(line)
    let file: FileHandle | undefined
    try {
      file = await open(path, 'a', 0o644)
      // A log just created is on disk only once its folder's entry is: before the line goes in,
      // so that a line flushed is a line kept.
      if (!log.durable) {
        await syncDirectory(this.#dir)
        log.durable = true
      }
      const { bytesWritten } = await file.write(line)
      if (bytesWritten !== bytes) throw new Error(`short write: ${bytesWritten} of ${bytes} bytes`)
      await file.datasync()
    } catch (error) {
      // The line may be partly written, or written but not on disk: cut it off, and have the
      // next change rewrite the record under a new epoch, which leaves this line out for good
      // even if the cut never reaches the disk.
      log.mustRewrite = true
      await file
        ?.truncate(log.bytes)
        .then(() => file?.datasync())
        .catch(() => {})
      await file?.close().catch(() => {})
      throw error
    }
    log.bytes += bytes
    // The line is on disk: a failed close takes nothing back, and must not say otherwise.
    await file.close().catch(() => {})
  }

  /**
   * The record first, which alone removes the repository: once it is gone, the deletion is made.
   * Flushing the folder and removing the log are then done as far as they can be; a log left
   * without its record is removed at the next start.
   */
  async #remove(repository: string, recordFile: string): Promise<void> {
    this.#logs.delete(repository)
    await rm(join(this.#dir, recordFile), { force: true })
    await syncDirectory(this.#dir).catch(() => {})
    await rm(join(this.#dir, logFileOf(recordFile)), { force: true }).catch(() => {})
  }
}

// --- internal ---

/** What the store knows of one repository's log. */
interface LogState {
  /** The epoch of the record file, which every line appended now carries. */
  epoch: string
  recordBytes: number
  /** The log's size. */
  bytes: number
  /** Whether the log file's folder entry is known to be on disk. */
  durable: boolean
  /** Nothing may be appended: the next change rewrites the record whole. */
  mustRewrite: boolean
}

function compactAt(log: LogState): number {
  return Math.max(COMPACT_AT_BYTES, log.recordBytes)
}

function ignoreMissing(error: unknown): undefined {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
  throw error
}
