import { describe, expect, it } from 'vitest'
import { changeBytes, recordBytes } from '../../src/storage/metadata-budget.js'
import { changedCopy, emptyChange, type RecordChange } from '../../src/storage/record-change.js'
import {
  type ManifestRecord,
  type RepositoryRecord,
  storedRecord,
} from '../../src/storage/repository-record.js'

// The store keeps each repository's size and adds each change's delta to it rather than counting
// the record again: a delta that drifts from the real size would, over many changes, refuse a
// repository far below its limit or let one grow past it.

const digest = (i: number): string => `sha256:${i.toString(16).padStart(64, '0')}`

function manifest(i: number): ManifestRecord {
  return {
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    size: 400 + i,
    references: Array.from({ length: i % 4 }, (_, j) => digest(1000 + j)),
    // Characters of 1, 2 and 3 bytes of UTF-8: the record is counted in bytes as written.
    ...(i % 3 === 0 && { annotations: { 'org.example.note': 'xé€'.repeat(i) } }),
    createdAt: 1_700_000_000_000 + i,
  }
}

/** A deterministic stream of numbers, so a failure can be replayed. */
function numbers(seed: number): () => number {
  let state = seed
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31
    return state
  }
}

function randomChange(next: () => number): RecordChange {
  const change = emptyChange()
  for (let k = next() % 5; k > 0; k--) {
    const i = next() % 12
    change.manifests.set(digest(i), next() % 3 === 0 ? null : manifest(next() % 50))
  }
  for (let k = next() % 5; k > 0; k--) {
    change.tags.set(`tag-${next() % 12}`, next() % 3 === 0 ? null : digest(next() % 12))
  }
  for (let k = next() % 5; k > 0; k--) change.blobs.set(digest(next() % 12), next() % 3 !== 0)
  return change
}

describe('metadata budget', () => {
  it('adds up each change to the size the record has once changed', () => {
    const next = numbers(7)
    let record: RepositoryRecord = changedCopy(undefined, emptyChange())
    let size = 0
    for (let step = 0; step < 2000; step++) {
      const change = randomChange(next)
      size += changeBytes(record, change)
      record = changedCopy(record, change)
      expect(size, `step ${step}`).toBe(recordBytes(record))
    }
    expect(size).toBeGreaterThan(0)
  })

  it('counts a record as the JSON it is written as, give or take its name and braces', () => {
    const next = numbers(11)
    let record: RepositoryRecord = changedCopy(undefined, emptyChange())
    for (let step = 0; step < 50; step++) record = changedCopy(record, randomChange(next))
    // Random changes leave few manifests; these are sure to carry annotations.
    const annotated = emptyChange()
    for (let i = 1; i <= 12; i++) annotated.manifests.set(digest(100 + i), manifest(i * 3))
    record = changedCopy(record, annotated)
    const { manifests, tags, blobs } = storedRecord('repo', record)
    const written = Buffer.byteLength(JSON.stringify({ manifests, tags, blobs }))
    expect(recordBytes(record)).toBeGreaterThanOrEqual(written - 64)
    expect(recordBytes(record)).toBeLessThanOrEqual(written + 64)
  })
})
