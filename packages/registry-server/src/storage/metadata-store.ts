import { readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { syncDirectory } from './atomic-write.js'
import { makeDirectoryDurably } from './durable-directory.js'
import { isOrphanLog, JournaledFile } from './journaled-file.js'
import { applyChange, type RecordChange } from './record-change.js'
import { loggedChange, parseLoggedChange } from './record-log.js'
import { isRepositoryFile, nameInFileName, repositoryFileName } from './repository-file-name.js'
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
 * Per repository, in `repositories/` (named by {@link repositoryFileName}): a JSON record file
 * of the whole repository and a log of the changes made since, kept by a {@link JournaledFile}.
 * A change is one appended line, so pushing a tag into a repository of 10,000 tags writes a few
 * hundred bytes, not the repository; once the log outgrows the record, the record is written
 * whole again. A crash leaves each repository as it was before or after its last change.
 */
export class FsMetadataStore implements MetadataStore {
  readonly #dir: string
  readonly #tmpDir: string
  /** By repository name, for each repository with a record file. */
  readonly #files = new Map<string, JournaledFile>()

  constructor(root: string, tmpDir: string) {
    this.#dir = join(root, 'repositories')
    this.#tmpDir = tmpDir
  }

  async loadAll(): Promise<Map<string, RepositoryRecord>> {
    await makeDirectoryDurably(this.#dir)
    const records = new Map<string, RepositoryRecord>()
    const files = await readdir(this.#dir)
    const present = new Set(files)
    for (const file of files) {
      if (isRepositoryFile(file)) {
        const loaded = await this.#load(file)
        if (loaded === undefined) continue
        records.set(loaded.name, loaded.record)
        this.#files.set(loaded.name, loaded.journal)
      } else if (isOrphanLog(file, present)) {
        // What a deletion interrupted by a crash leaves.
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
    const journal = this.#files.get(repository) ?? this.#journal(repositoryFileName(repository))
    if (after === undefined) {
      this.#files.delete(repository)
      return journal.remove()
    }
    this.#files.set(repository, journal)
    await journal.save(loggedChange(change), () => ({ ...storedRecord(repository, after()) }))
  }

  async #load(
    file: string,
  ): Promise<{ name: string; record: RepositoryRecord; journal: JournaledFile } | undefined> {
    const journal = this.#journal(file)
    const loaded = await journal.load(parseLoggedChange)
    if (loaded === undefined) return undefined
    const stored = loaded.document as unknown as StoredRepositoryRecord
    const name = stored.name ?? nameInFileName(file)
    if (name === undefined) {
      throw new Error(`the repository record ${join(this.#dir, file)} names no repository`)
    }
    const record = recordFromStored(stored)
    for (const change of loaded.changes) applyChange(record, change)
    // A repository a change emptied has no files left; one found empty is no repository.
    if (isEmptyRecord(record)) return undefined
    return { name, record, journal }
  }

  #journal(file: string): JournaledFile {
    return new JournaledFile(this.#dir, file, this.#tmpDir)
  }
}
