import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { JournaledFile } from '../../src/storage/journaled-file.js'
import { applyChange } from '../../src/storage/record-change.js'
import { parseLoggedChange } from '../../src/storage/record-log.js'
import {
  type RepositoryRecord,
  recordFromStored,
  type StoredRepositoryRecord,
} from '../../src/storage/repository-record.js'

/** Hash a file as a digest of the given algorithm. */
export async function hashFile(path: string, algorithm: 'sha256' | 'sha512'): Promise<string> {
  const hash = createHash(algorithm)
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return `${algorithm}:${hash.digest('hex')}`
}

/** What a consistency check found: every problem as a sentence, and what was checked. */
export interface StoreReport {
  problems: string[]
  blobs: Set<string>
  manifests: number
}

/**
 * Check the on-disk invariants: every visible blob hashes to its name, every repository file
 * and its log parse, every manifest and every blob a manifest references exists, every tag points at a
 * manifest of its repository.
 */
export async function checkStore(dataDir: string): Promise<StoreReport> {
  const problems: string[] = []
  const blobs = new Set<string>()
  for (const algorithm of await readdir(join(dataDir, 'blobs'))) {
    for (const fan of await readdir(join(dataDir, 'blobs', algorithm))) {
      for (const hex of await readdir(join(dataDir, 'blobs', algorithm, fan))) {
        const name = `${algorithm}:${hex}`
        const actual = await hashFile(
          join(dataDir, 'blobs', algorithm, fan, hex),
          algorithm as 'sha256',
        )
        if (actual !== name) problems.push(`blob ${name} hashes to ${actual}`)
        blobs.add(name)
      }
    }
  }
  let manifests = 0
  const { records, problems: unreadable } = await readRecords(dataDir)
  problems.push(...unreadable)
  for (const [file, record] of records) {
    for (const [digest, manifest] of record.manifests) {
      manifests += 1
      if (!blobs.has(digest)) problems.push(`${file}: manifest ${digest} has no bytes`)
      for (const ref of manifest.references) {
        if (!blobs.has(ref)) problems.push(`${file}: manifest ${digest} references missing ${ref}`)
      }
    }
    for (const [tag, digest] of record.tags) {
      if (!record.manifests.has(digest))
        problems.push(`${file}: tag ${tag} points at missing ${digest}`)
    }
  }
  return { problems, blobs, manifests }
}

/**
 * Every repository's record as the registry reads it back: its record file with the lines of
 * its log that follow it (a last line cut short is left out, as the registry does). Keyed by
 * record file; a file or log that cannot be read is a problem. Reads only.
 */
export async function readRecords(
  dataDir: string,
): Promise<{ records: Map<string, RepositoryRecord>; problems: string[] }> {
  const records = new Map<string, RepositoryRecord>()
  const problems: string[] = []
  const dir = join(dataDir, 'repositories')
  for (const file of await readdir(dir)) {
    if (!file.endsWith('.json')) continue
    try {
      const loaded = await new JournaledFile(dir, file, dir).load(parseLoggedChange)
      if (loaded === undefined) continue
      const record = recordFromStored(loaded.document as unknown as StoredRepositoryRecord)
      for (const change of loaded.changes) applyChange(record, change)
      records.set(file, record)
    } catch (error) {
      problems.push(`repository file ${file} or its log does not read: ${(error as Error).message}`)
    }
  }
  return { records, problems }
}
