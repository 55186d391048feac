// The hashing thread of a HashPool (see hash-pool.ts): it keeps one incremental hash per upload
// and feeds it the chunks the main thread transfers once they are on disk. It imports nothing of
// the package, so it runs as it is from the build and, type-stripped, from the sources.
import { createHash, type Hash } from 'node:crypto'
import { parentPort } from 'node:worker_threads'
import type { HashReply, HashRequest } from './hash-protocol.js'

const hashes = new Map<number, Hash>()
const port = parentPort
if (port === null) throw new Error('hash-worker.ts runs as a worker thread of a HashPool')

port.on('message', (request: HashRequest) => {
  const reply = answer(request)
  if (reply !== undefined) port.postMessage(reply)
})

function answer(request: HashRequest): HashReply | undefined {
  switch (request.op) {
    case 'start':
      hashes.set(request.id, createHash(request.algorithm))
      return undefined
    case 'update': {
      const hash = hashes.get(request.id)
      let bytes = 0
      for (const chunk of request.chunks) {
        hash?.update(chunk)
        bytes += chunk.byteLength
        // The chunk was transferred here for this alone: give its memory back now rather than
        // leave hundreds of megabytes of dead buffers to this thread's garbage collector.
        chunk.buffer.transfer(0)
      }
      return { op: 'hashed', id: request.id, bytes }
    }
    case 'digest': {
      const hash = hashes.get(request.id)
      hashes.delete(request.id)
      if (hash === undefined) return { op: 'failed', id: request.id, message: 'unknown hash' }
      return { op: 'digest', id: request.id, hex: hash.digest('hex') }
    }
    case 'discard':
      hashes.delete(request.id)
      return undefined
  }
}
