import type { Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import { PeriodicSweep, type SweepVerdict } from './periodic-sweep.js'

interface WatchedConnection {
  socket: Socket
  /** The bytes the kernel had taken at the last look, and when that count last grew. */
  sent: number
  lastProgress: number
}

/**
 * Closes connections whose client stopped taking what the server sends. A client that asks for
 * a blob and reads none of it would otherwise hold the blob's open file, the server's read
 * buffers and its connection for ever: a few thousand such requests exhaust the process's
 * descriptors or memory.
 *
 * A connection counts as stalled when data waits to be sent on it (`writableLength` > 0) and
 * none of it has gone to the kernel for `timeoutMs`. Data goes to the kernel one write at a
 * time (a blob in pieces of up to 512 KiB), so a client must take each piece within the timeout.
 * A connection with nothing waiting (idle, receiving a body, or waiting while the server works)
 * is never blamed. One timer looks at every connection a few times per timeout: nothing runs per
 * write.
 */
export class StalledSendReaper {
  readonly #timeoutMs: number
  readonly #watched: PeriodicSweep<WatchedConnection>

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs
    this.#watched = new PeriodicSweep(timeoutMs, (watched, now) => this.#look(watched, now))
  }

  /** Watch a connection (for TLS, the TLS socket) until it closes. */
  watch(socket: Socket): void {
    const watched: WatchedConnection = {
      socket,
      sent: sentBytes(socket),
      lastProgress: performance.now(),
    }
    this.#watched.add(watched)
    socket.once('close', () => this.#watched.delete(watched))
  }

  /** Stop watching (the server is closing). */
  close(): void {
    this.#watched.close()
  }

  #look(watched: WatchedConnection, now: number): SweepVerdict {
    const { socket } = watched
    const sent = sentBytes(socket)
    if (sent !== watched.sent || socket.writableLength === 0) {
      watched.sent = sent
      watched.lastProgress = now
      return 'keep'
    }
    if (now - watched.lastProgress < this.#timeoutMs) return 'keep'
    // The response in progress fails ('close' without 'finish'): the request log records it as
    // cut short, and a blob being sent stops reading its file.
    socket.destroy()
    return 'drop'
  }
}

/**
 * Bytes of this connection the kernel has taken: `bytesWritten` counts what was handed to the
 * socket, `writableLength` what of that is not written yet.
 */
function sentBytes(socket: Socket): number {
  return socket.bytesWritten - socket.writableLength
}
