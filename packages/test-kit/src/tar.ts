/** One file of an archive. Directories are implied by the paths. */
export interface TarEntry {
  path: string
  content: Uint8Array | string
  /** @default 0o644 */
  mode?: number
}

/**
 * A deterministic ustar archive: fixed mtime, uid/gid 0, parent directories first, so the same
 * entries always give the same bytes (and a layer the same digest).
 */
export function tar(entries: readonly TarEntry[]): Buffer {
  const blocks: Buffer[] = []
  const dirs = new Set<string>()
  for (const entry of entries) {
    const parts = entry.path.split('/')
    for (let i = 1; i < parts.length; i++) {
      const dirPath = `${parts.slice(0, i).join('/')}/`
      if (dirs.has(dirPath)) continue
      dirs.add(dirPath)
      blocks.push(tarHeader(dirPath, 0, 0o755, '5'))
    }
    const content = typeof entry.content === 'string' ? Buffer.from(entry.content) : entry.content
    blocks.push(tarHeader(entry.path, content.length, entry.mode ?? 0o644, '0'))
    blocks.push(Buffer.from(content.buffer, content.byteOffset, content.byteLength))
    blocks.push(Buffer.alloc((512 - (content.length % 512)) % 512))
  }
  // Two zero blocks end the archive.
  blocks.push(Buffer.alloc(1024))
  return Buffer.concat(blocks)
}

// --- internal ---

/** 2020-01-01T00:00:00Z: a fixed timestamp keeps layer digests stable across runs. */
const MTIME = 1_577_836_800

function tarHeader(name: string, size: number, mode: number, type: '0' | '5'): Buffer {
  if (Buffer.byteLength(name) > 100) throw new TypeError(`tar: path too long for ustar: ${name}`)
  const header = Buffer.alloc(512)
  const octal = (value: number, offset: number, width: number): void => {
    header.write(`${value.toString(8).padStart(width - 1, '0')}\0`, offset, 'ascii')
  }
  header.write(name, 0, 'utf8')
  octal(mode, 100, 8)
  octal(0, 108, 8)
  octal(0, 116, 8)
  octal(size, 124, 12)
  octal(MTIME, 136, 12)
  header.write(type, 156, 'ascii')
  header.write('ustar\0' + '00', 257, 'ascii')
  header.write('root', 265, 'ascii')
  header.write('root', 297, 'ascii')
  // The checksum is computed with its own field read as eight spaces.
  header.fill(' ', 148, 156)
  let sum = 0
  for (const byte of header) sum += byte
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii')
  return header
}
