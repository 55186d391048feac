import { loggedPairs } from './journaled-file.js'
import type { RecordChange } from './record-change.js'
import type { ManifestRecord } from './repository-record.js'

/**
 * How a repository's change is kept in the log of its record (see `journaled-file.ts`): each
 * map of the change as its `[key, value]` pairs.
 */
export function loggedChange(change: RecordChange): Record<string, unknown> {
  return {
    manifests: [...change.manifests],
    tags: [...change.tags],
    blobs: [...change.blobs],
  }
}

/** A logged change read back; throws when the line is not one (the log is damaged). */
export function parseLoggedChange(value: Record<string, unknown>, where: string): RecordChange {
  return {
    manifests: new Map(loggedPairs(value.manifests, where, isManifestOrNull)),
    tags: new Map(
      loggedPairs(
        value.tags,
        where,
        (v): v is string | null => v === null || typeof v === 'string',
      ),
    ),
    blobs: new Map(loggedPairs(value.blobs, where, (v): v is boolean => typeof v === 'boolean')),
  }
}

// --- internal ---

function isManifestOrNull(value: unknown): value is ManifestRecord | null {
  if (value === null) return true
  if (typeof value !== 'object' || Array.isArray(value)) return false
  const record = value as Partial<Record<keyof ManifestRecord, unknown>>
  return (
    typeof record.mediaType === 'string' &&
    typeof record.size === 'number' &&
    typeof record.createdAt === 'number' &&
    Array.isArray(record.references)
  )
}
