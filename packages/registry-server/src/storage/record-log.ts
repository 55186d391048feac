import type { RecordChange } from './record-change.js'
import type { ManifestRecord } from './repository-record.js'

/**
 * A repository's metadata log: the changes made since its record file was last written whole,
 * one JSON line each, oldest first. Each line names the epoch of the record file it follows.
 * Writing a record file whole starts a new epoch, so the lines of earlier epochs (already in the
 * file, or left by a repository deleted since) are skipped when the log is read back.
 *
 * Keys are kept as `[key, value]` pairs, not object properties: tags are strings clients
 * choose, and a tag named `__proto__` must be a key like any other.
 */
interface LogLine {
  epoch: string
  manifests: [string, ManifestRecord | null][]
  tags: [string, string | null][]
  blobs: [string, boolean][]
}

/** One change as a line of the log, newline included. */
export function logLine(epoch: string, change: RecordChange): string {
  const line: LogLine = {
    epoch,
    manifests: [...change.manifests],
    tags: [...change.tags],
    blobs: [...change.blobs],
  }
  return `${JSON.stringify(line)}\n`
}

/** What a log holds for one epoch. */
export interface ReadLog {
  /** The changes of the epoch asked for, oldest first. */
  changes: RecordChange[]
  /**
   * The log's last line was cut short by a crash: it lacks its newline, or is not a change at
   * all (a power loss can keep a line's last page and lose an earlier one). That change was
   * never acknowledged and is left out; nothing may be appended after it.
   */
  torn: boolean
}

/**
 * The changes of `epoch` in a log's text. Changes of a repository are flushed one at a time, so
 * only the last line can be one that was never acknowledged. Any other line that is not a change
 * of ours means the file was damaged: that throws, naming `path` and the line, rather than lose
 * a change silently.
 */
export function readLog(text: string, epoch: string | undefined, path: string): ReadLog {
  const lines = text.split('\n')
  // After the last newline: empty when the log ends cleanly, else a line cut short.
  let torn = lines.pop() !== ''
  const changes: RecordChange[] = []
  for (const [index, text] of lines.entries()) {
    let line: LogLine
    try {
      line = parseLine(text, `${path}:${index + 1}`)
    } catch (error) {
      if (torn || index < lines.length - 1) throw error
      torn = true
      break
    }
    if (line.epoch !== epoch) continue
    changes.push({
      manifests: new Map(line.manifests),
      tags: new Map(line.tags),
      blobs: new Map(line.blobs),
    })
  }
  return { changes, torn }
}

// --- internal ---

function parseLine(text: string, where: string): LogLine {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw damaged(where, 'not JSON')
  }
  if (typeof value !== 'object' || value === null) throw damaged(where, 'not an object')
  const line = value as Partial<Record<keyof LogLine, unknown>>
  if (typeof line.epoch !== 'string') throw damaged(where, 'no epoch')
  return {
    epoch: line.epoch,
    manifests: pairs(line.manifests, where, isManifestOrNull),
    tags: pairs(line.tags, where, (v): v is string | null => v === null || typeof v === 'string'),
    blobs: pairs(line.blobs, where, (v): v is boolean => typeof v === 'boolean'),
  }
}

function pairs<V>(value: unknown, where: string, isValue: (v: unknown) => v is V): [string, V][] {
  if (!Array.isArray(value)) throw damaged(where, 'a key list is missing')
  for (const pair of value) {
    const ok =
      Array.isArray(pair) && pair.length === 2 && typeof pair[0] === 'string' && isValue(pair[1])
    if (!ok) throw damaged(where, `not a key and its value: ${JSON.stringify(pair)}`)
  }
  return value as [string, V][]
}

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

function damaged(where: string, why: string): Error {
  return new Error(`the repository log ${where} is damaged: ${why}`)
}
