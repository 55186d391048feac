import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'

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
 * parses, every manifest and every blob a manifest references exists, every tag points at a
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
  for (const file of await readdir(join(dataDir, 'repositories'))) {
    let record: {
      manifests: Record<string, { references: string[] }>
      tags: Record<string, string>
    }
    try {
      record = JSON.parse(await readFile(join(dataDir, 'repositories', file), 'utf8'))
    } catch {
      problems.push(`repository file ${file} does not parse`)
      continue
    }
    for (const [digest, manifest] of Object.entries(record.manifests)) {
      manifests += 1
      if (!blobs.has(digest)) problems.push(`${file}: manifest ${digest} has no bytes`)
      for (const ref of manifest.references) {
        if (!blobs.has(ref)) problems.push(`${file}: manifest ${digest} references missing ${ref}`)
      }
    }
    for (const [tag, digest] of Object.entries(record.tags)) {
      if (!record.manifests[digest])
        problems.push(`${file}: tag ${tag} points at missing ${digest}`)
    }
  }
  return { problems, blobs, manifests }
}
