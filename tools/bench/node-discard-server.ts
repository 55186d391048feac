// A gauge for the benchmark's concurrent pushes: how much of the machine Node's own HTTP server
// takes to receive the bodies, with nothing else done to them. It answers the upload requests
// the benchmark's client makes as a registry would, reads each body to its end and frees every
// chunk at once, and stores, hashes and flushes nothing. Its figure is a bound no server built on
// Node's HTTP server can pass with this client here; its CPU seconds are the share of ours that
// receiving alone costs. It is not a registry and not a model of one.
//
//   POST  /v2/NAME/blobs/uploads/                     202, Location /v2/NAME/blobs/uploads/ID
//   PATCH /v2/NAME/blobs/uploads/ID                   202, Range 0-(bytes so far - 1)
//   PUT   /v2/NAME/blobs/uploads/ID?digest=D          201, Docker-Content-Digest D (not checked),
//                                                     Range as for PATCH
//
// The byte count in `Range` lets a test tell that every byte of a body was read.
// Usage: node node-discard-server.js   (prints "listening on http://127.0.0.1:PORT")
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'

const UPLOAD = /^\/v2\/(.+)\/blobs\/uploads\/(\d+)$/
const START = /^\/v2\/(.+)\/blobs\/uploads\/$/

/** Bytes received per upload id, until its PUT. */
const received = new Map<string, number>()
let nextId = 1

const server = createServer((req, res) => {
  answer(req, res).catch((error: unknown) => {
    // A client that went away mid-body: nothing to answer, nothing kept.
    res.destroy(error instanceof Error ? error : new Error(String(error)))
  })
})

async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1')
  if (req.method === 'POST' && START.test(url.pathname)) {
    const id = String(nextId++)
    received.set(id, 0)
    await discardBody(req)
    return reply(res, 202, { Location: `${url.pathname}${id}` })
  }
  const id = UPLOAD.exec(url.pathname)?.[2]
  const bytesBefore = id === undefined ? undefined : received.get(id)
  if (
    id === undefined ||
    bytesBefore === undefined ||
    !(req.method === 'PATCH' || req.method === 'PUT')
  ) {
    await discardBody(req)
    return reply(res, 404, {})
  }
  const bytes = bytesBefore + (await discardBody(req))
  received.set(id, bytes)
  const range = { Range: `0-${bytes - 1}` }
  if (req.method === 'PATCH') return reply(res, 202, { Location: url.pathname, ...range })
  received.delete(id)
  const digest = url.searchParams.get('digest') ?? ''
  reply(res, 201, { 'Docker-Content-Digest': digest, ...range })
}

/**
 * Reads a body to its end and returns its length. Each chunk is Node's own fresh buffer: its
 * memory is given back at once (as our server does once a chunk is written), since leaving
 * hundreds of megabytes of them to the garbage collector would cost more than the receiving.
 */
function discardBody(req: IncomingMessage): Promise<number> {
  return new Promise((resolve, reject) => {
    let bytes = 0
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.byteLength
      if (chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength)
        (chunk.buffer as ArrayBuffer).transfer(0)
    })
    req.once('end', () => resolve(bytes))
    req.once('error', reject)
  })
}

function reply(res: ServerResponse, status: number, headers: Record<string, string>): void {
  res.writeHead(status, { ...headers, 'Content-Length': '0' })
  res.end()
}

server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('not listening on TCP')
  console.log(`listening on http://127.0.0.1:${address.port}`)
})
// Nothing is kept, so nothing is lost by stopping at once.
process.once('SIGTERM', () => process.exit(0))
