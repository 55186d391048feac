import { mkdir, readdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from './atomic-write.js'
import { isRepositoryFile, nameInFileName, repositoryFileName } from './repository-file-name.js'
import {
  type RepositoryRecord,
  recordFromStored,
  type StoredRepositoryRecord,
  storedRecord,
} from './repository-record.js'

/** Where repository records are persisted. */
export interface MetadataStore {
  loadAll(): Promise<Map<string, RepositoryRecord>>
  /** Persist a record, or remove it when `undefined`. Each call is atomic. */
  save(repository: string, record: RepositoryRecord | undefined): Promise<void>
}

/** Keeps nothing: the in-memory registry's metadata lives only in its maps. */
export class MemoryMetadataStore implements MetadataStore {
  async loadAll(): Promise<Map<string, RepositoryRecord>> {
    return new Map()
  }
  async save(): Promise<void> {}
}

/**
 * One JSON file per repository in `repositories/` (named by {@link repositoryFileName}), replaced
 * atomically, so a crash leaves the previous or the next state of a repository, never a
 * half-written one.
 */
export class FsMetadataStore implements MetadataStore {
  readonly #dir: string
  readonly #tmpDir: string

  constructor(root: string, tmpDir: string) {
    this.#dir = join(root, 'repositories')
    this.#tmpDir = tmpDir
  }

  async loadAll(): Promise<Map<string, RepositoryRecord>> {
    await mkdir(this.#dir, { recursive: true })
    const records = new Map<string, RepositoryRecord>()
    for (const file of await readdir(this.#dir)) {
      if (!isRepositoryFile(file)) continue
      const path = join(this.#dir, file)
      const stored = JSON.parse(await readFile(path, 'utf8')) as StoredRepositoryRecord
      const name = stored.name ?? nameInFileName(file)
      if (name === undefined) throw new Error(`the repository record ${path} names no repository`)
      records.set(name, recordFromStored(stored))
    }
    return records
  }

  async save(repository: string, record: RepositoryRecord | undefined): Promise<void> {
    const path = join(this.#dir, repositoryFileName(repository))
    if (record === undefined) await rm(path, { force: true })
    else await writeFileAtomic(path, JSON.stringify(storedRecord(repository, record)), this.#tmpDir)
  }
}
