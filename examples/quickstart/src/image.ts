import { createHash } from 'node:crypto'
import { gzipSync } from 'node:zlib'

/** A blob with its digest. */
export interface Blob {
  bytes: Buffer
  digest: string
}

/** A small container image: one layer holding one file, its config and its manifest. */
export interface Image {
  layer: Blob
  config: Blob
  manifest: Blob
}

export function blob(bytes: Buffer): Blob {
  return { bytes, digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}` }
}

/** Build an OCI image whose single layer contains `/hello.txt` with `text`. */
export function generateImage(text: string): Image {
  const tar = tarOf('hello.txt', Buffer.from(text))
  const layer = blob(gzipSync(tar))
  const diffId = blob(tar).digest
  const config = blob(
    Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        config: { Cmd: ['cat', '/hello.txt'] },
        rootfs: { type: 'layers', diff_ids: [diffId] },
      }),
    ),
  )
  const manifest = blob(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: {
          mediaType: 'application/vnd.oci.image.config.v1+json',
          digest: config.digest,
          size: config.bytes.length,
        },
        layers: [
          {
            mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
            digest: layer.digest,
            size: layer.bytes.length,
          },
        ],
      }),
    ),
  )
  return { layer, config, manifest }
}

// A one-file ustar archive: a 512-byte header, the content padded to 512, two zero blocks.
function tarOf(name: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512)
  header.write(name, 0)
  header.write('0000644\0', 100)
  header.write('0000000\0', 108)
  header.write('0000000\0', 116)
  header.write(`${content.length.toString(8).padStart(11, '0')}\0`, 124)
  header.write('00000000000\0', 136)
  header.write('        ', 148)
  header.write('0', 156)
  header.write('ustar\0' + '00', 257)
  let sum = 0
  for (const byte of header) sum += byte
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148)
  const padding = Buffer.alloc((512 - (content.length % 512)) % 512)
  return Buffer.concat([header, content, padding, Buffer.alloc(1024)])
}
