/** The size of a tar block: headers and file contents are padded to it. */
const BLOCK = 512

/**
 * A POSIX (ustar) tar archive holding one regular file: the smallest real image layer. A single
 * entry needs none of what makes tar hard (long names, links, streaming), so it is written here
 * rather than pulled in as a dependency of a published package.
 */
export function tarWithOneFile(path: string, content: Buffer): Buffer {
  if (Buffer.byteLength(path) > 100) throw new RangeError('path must fit tar’s 100-byte name field')
  const header = Buffer.alloc(BLOCK)
  header.write(path, 0, 100, 'utf8')
  writeOctal(header, 100, 8, 0o644) // mode
  writeOctal(header, 108, 8, 0) // uid
  writeOctal(header, 116, 8, 0) // gid
  writeOctal(header, 124, 12, content.length)
  writeOctal(header, 136, 12, 0) // mtime: fixed, so equal content gives an equal layer
  header.write('0', 156, 1, 'latin1') // typeflag: regular file
  header.write('ustar\u000000', 257, 8, 'latin1') // magic and version
  // The checksum is computed with its own field read as eight spaces.
  header.fill(' ', 148, 156)
  let sum = 0
  for (const byte of header) sum += byte
  header.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'latin1')
  const padding = Buffer.alloc((BLOCK - (content.length % BLOCK)) % BLOCK)
  // Two zero blocks mark the end of the archive.
  return Buffer.concat([header, content, padding, Buffer.alloc(2 * BLOCK)])
}

function writeOctal(header: Buffer, offset: number, width: number, value: number): void {
  header.write(`${value.toString(8).padStart(width - 1, '0')}\u0000`, offset, width, 'latin1')
}
