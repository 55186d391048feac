import { mkdir, readdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from './atomic-write.js'
import type { RepositoryRecord } from './repository-record.js'

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
 * One JSON file per repository (`repositories/<encoded name>.json`), replaced atomically, so a
 * crash leaves the previous or the next state of a repository, never a half-written one.
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
      if (!file.endsWith('.json')) continue
      const name = decodeURIComponent(file.slice(0, -'.json'.length))
      records.set(
        name,
        JSON.parse(await readFile(join(this.#dir, file), 'utf8')) as RepositoryRecord,
      )
    }
    return records
  }

  async save(repository: string, record: RepositoryRecord | undefined): Promise<void> {
    const path = join(this.#dir, `${encodeURIComponent(repository)}.json`)
    if (record === undefined) await rm(path, { force: true })
    else await writeFileAtomic(path, JSON.stringify(record), this.#tmpDir)
  }
}
