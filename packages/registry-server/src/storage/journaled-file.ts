import { randomBytes } from 'node:crypto'
import { type FileHandle, open, readFile, rm, truncate } from 'node:fs/promises'
import { join } from 'node:path'
import { syncDirectory, syncFileData, writeFileAtomic } from './atomic-write.js'

/**
 * A JSON document kept as a file written whole from time to time, and a log of the changes made
 * since (the same name with `.log` for `.json`), one JSON line each, appended and flushed to
 * disk before it is acknowledged. A change costs the size of the change, not of the document;
 * once the log outgrows the file, the next change writes the file whole again.
 *
 * The file names an epoch, a random id, and every line carries the epoch of the file it follows.
 * Writing the file whole starts a new epoch, so the lines logged before (already in the file, or
 * left by a document removed since) are skipped when the log is read back, whether or not the
 * log's truncation reached the disk.
 *
 * A crash leaves the document as it was before or after its last change: the file is replaced
 * whole or not at all, and the log's last line, when a crash cut it short or damaged it, was
 * never acknowledged and is left out; nothing is appended after it, the next change writes the
 * file whole instead. A damaged line before the last means the log itself was damaged: reading
 * throws, naming the file and the line, rather than lose a change silently.
 *
 * Changes must be saved one at a time (the caller serializes them).
 */
export class JournaledFile {
  readonly #dir: string
  readonly #file: string
  readonly #log: string
  readonly #tmpDir: string
  readonly #mode: number
  #epoch = ''
  #fileBytes = 0
  /** The log's size. */
  #logBytes = 0
  /** Whether the log file's folder entry is known to be on disk. */
  #durable = false
  /** Nothing may be appended: the next change writes the file whole. */
  #mustRewrite = true

  /**
   * @param file the document's file name in `dir`, ending in `.json`
   * @param tmpDir where the file is written before it is renamed into place (same filesystem)
   */
  constructor(dir: string, file: string, tmpDir: string, mode = 0o644) {
    this.#dir = dir
    this.#file = join(dir, file)
    this.#log = join(dir, logFileOf(file))
    this.#tmpDir = tmpDir
    this.#mode = mode
  }

  /**
   * Read the document and the changes logged since it was written; `undefined` when there is no
   * file. A file without an epoch (written before logs were kept) is read with no change, and
   * written whole at its first change.
   * @param parseChange checks one logged change (the line without its epoch); it throws
   *   {@link damagedLine}'s error when the change is not one of the caller's
   */
  async load<Change>(
    parseChange: (value: Record<string, unknown>, where: string) => Change,
  ): Promise<{ document: Record<string, unknown>; changes: Change[] } | undefined> {
    const text = await readFile(this.#file, 'utf8').catch(ignoreMissing)
    if (text === undefined) return undefined
    const document = parseDocument(text, this.#file)
    const epoch = typeof document.epoch === 'string' ? document.epoch : undefined
    this.#epoch = epoch ?? ''
    this.#fileBytes = Buffer.byteLength(text)
    this.#mustRewrite = epoch === undefined
    const logged = await readFile(this.#log).catch(ignoreMissing)
    if (logged === undefined) return { document, changes: [] }
    const { changes, torn } = readLog(logged.toString('utf8'), this.#log, epoch, parseChange)
    this.#logBytes = logged.byteLength
    // A killed process may have written lines it never flushed. Read back, they are the state
    // served from now on, and a request that changes nothing more (a blob linked again) is
    // acknowledged on them without a write: they are flushed before anything rests on them.
    if (changes.length > 0) await syncFileData(this.#log)
    // `#durable` stays false: the first line appended flushes the folder, which makes what a
    // killed process renamed or created there (this file, the log) durable before anything rests
    // on it.
    if (torn) this.#mustRewrite = true
    return { document, changes }
  }

  /**
   * Persist one change: appended to the log, or, when the log is due to be folded in, by writing
   * the whole document (`whole()`, without an `epoch` property) instead.
   */
  async save(change: Record<string, unknown>, whole: () => Record<string, unknown>): Promise<void> {
    if (this.#mustRewrite || this.#logBytes >= Math.max(COMPACT_AT_BYTES, this.#fileBytes)) {
      return this.#rewrite(whole())
    }
    await this.#append(`${JSON.stringify({ epoch: this.#epoch, ...change })}\n`)
  }

  /**
   * Remove the document: the file first, which alone removes it, then the folder is flushed so
   * the removal survives a power loss; a failed flush throws, as the removal may be undone (the
   * caller keeps the document, and its next change writes the file whole again). Removing the log
   * is then done as far as it can be; a log left without its file is what {@link isOrphanLog}
   * finds.
   */
  async remove(): Promise<void> {
    this.#mustRewrite = true
    await rm(this.#file, { force: true })
    // Not swallowed: a removal acknowledged but not on disk came back with a power loss, naming
    // manifests and blobs that a collection had freed meanwhile. The log stays when this throws,
    // so a file that comes back comes back with its changes.
    await syncDirectory(this.#dir)
    await rm(this.#log, { force: true }).catch(() => {})
  }

  /** Write the whole document under a new epoch, then empty the log. */
  async #rewrite(document: Record<string, unknown>): Promise<void> {
    const epoch = randomBytes(8).toString('hex')
    const text = JSON.stringify({ ...document, epoch })
    await writeFileAtomic(this.#file, text, this.#tmpDir, this.#mode)
    // The log's lines carry the former epoch and are skipped from now on, whether or not the
    // truncation below happens; until it does, nothing is appended after them.
    this.#epoch = epoch
    this.#fileBytes = Buffer.byteLength(text)
    this.#logBytes = 0
    this.#durable = false
    this.#mustRewrite = true
    try {
      await truncate(this.#log, 0)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return
    }
    this.#mustRewrite = false
  }

  /**
   * Append one line and flush it. Once the flush returned, the change is made whatever happens
   * next; before, any failure takes the line back as far as it can and throws.
   */
  async #append(line: string): Promise<void> {
    const bytes = Buffer.byteLength(line)
    let file: FileHandle | undefined
    try {
      file = await open(this.#log, 'a', this.#mode)
      // A log just created is on disk only once its folder's entry is: before the line goes in,
      // so that a line flushed is a line kept.
      if (!this.#durable) {
        await syncDirectory(this.#dir)
        this.#durable = true
      }
      const { bytesWritten } = await file.write(line)
      if (bytesWritten !== bytes) throw new Error(`short write: ${bytesWritten} of ${bytes} bytes`)
      await file.datasync()
    } catch (error) {
      // The line may be partly written, or written but not on disk: cut it off, and have the
      // next change write the file whole under a new epoch, which leaves this line out for good
      // even if the cut never reaches the disk.
      this.#mustRewrite = true
      await file
        ?.truncate(this.#logBytes)
        .then(() => file?.datasync())
        .catch(() => {})
      await file?.close().catch(() => {})
      throw error
    }
    this.#logBytes += bytes
    // The line is on disk: a failed close takes nothing back, and must not say otherwise.
    await file.close().catch(() => {})
  }
}

/** The log file of a document's file: `.log` for `.json`, no longer than it. */
export function logFileOf(file: string): string {
  return `${file.slice(0, -DOCUMENT_SUFFIX.length)}${LOG_SUFFIX}`
}

/**
 * Whether `file`, one of `files` listed in a folder, is a log whose document file is not there:
 * what a removal interrupted by a crash leaves.
 */
export function isOrphanLog(file: string, files: ReadonlySet<string>): boolean {
  if (!file.endsWith(LOG_SUFFIX)) return false
  return !files.has(`${file.slice(0, -LOG_SUFFIX.length)}${DOCUMENT_SUFFIX}`)
}

/** The error for a logged change that is not one (a `parseChange` of {@link JournaledFile.load}). */
export function damagedLine(where: string, why: string): Error {
  return new Error(`the log ${where} is damaged: ${why}`)
}

/**
 * The `[key, value]` pairs of a logged change's property, each value checked. Keys are kept as
 * pairs, not object properties: a key a client chose, such as a tag named `__proto__`, must be a
 * key like any other.
 */
export function loggedPairs<V>(
  value: unknown,
  where: string,
  isValue: (v: unknown) => v is V,
): [string, V][] {
  if (!Array.isArray(value)) throw damagedLine(where, 'a key list is missing')
  for (const pair of value) {
    const ok =
      Array.isArray(pair) && pair.length === 2 && typeof pair[0] === 'string' && isValue(pair[1])
    if (!ok) throw damagedLine(where, `not a key and its value: ${JSON.stringify(pair)}`)
  }
  return value as [string, V][]
}

// --- internal ---

/**
 * A log stays appended to until it is this large, or as large as its document's file if that is
 * larger: writing the file whole then costs about what was appended since.
 */
const COMPACT_AT_BYTES = 256 * 1024

const DOCUMENT_SUFFIX = '.json'
const LOG_SUFFIX = '.log'

/**
 * The changes of `epoch` in a log's text. Changes are flushed one at a time, so only the last
 * line can be one that was never acknowledged: cut short (no newline) or damaged (a power loss can
 * keep a line's last page and lose an earlier one); it is left out and reported `torn`. Any other
 * line that is not a logged change throws.
 */
function readLog<Change>(
  text: string,
  path: string,
  epoch: string | undefined,
  parseChange: (value: Record<string, unknown>, where: string) => Change,
): { changes: Change[]; torn: boolean } {
  const lines = text.split('\n')
  // After the last newline: empty when the log ends cleanly, else a line cut short.
  let torn = lines.pop() !== ''
  const changes: Change[] = []
  for (const [index, line] of lines.entries()) {
    const where = `${path}:${index + 1}`
    try {
      const value = parseLine(line, where)
      if (value.epoch === epoch) changes.push(parseChange(value, where))
    } catch (error) {
      if (torn || index < lines.length - 1) throw error
      torn = true
    }
  }
  return { changes, torn }
}

/**
 * The whole document. Our writes are atomic, so one that is no JSON object is not ours (a note
 * an operator left, a `._name.json` a Mac copied in) or was damaged outside: the error names the
 * file, where JSON's own message names only a position.
 */
function parseDocument(text: string, path: string): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    // Not JSON's own message: it quotes the text, which may hold a credential's hash.
    throw new Error(`the file ${path} is damaged: not JSON`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`the file ${path} is damaged: not a JSON object`)
  return value as Record<string, unknown>
}

function parseLine(line: string, where: string): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    throw damagedLine(where, 'not JSON')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw damagedLine(where, 'not an object')
  }
  if (typeof (value as { epoch?: unknown }).epoch !== 'string') throw damagedLine(where, 'no epoch')
  return value as Record<string, unknown>
}

function ignoreMissing(error: unknown): undefined {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
  throw error
}
