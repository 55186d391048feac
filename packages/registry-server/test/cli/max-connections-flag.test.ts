import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runCli, startRegistryProcess } from '../support/command.js'

let work: string
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'cli-max-connections-'))
})
afterEach(async () => {
  await rm(work, { recursive: true, force: true })
})

/** Open a connection, send `GET /v2/` and resolve with the head of the answer ('' if closed). */
async function ask(url: string): Promise<{ socket: Socket; head: string }> {
  const { hostname, port } = new URL(url)
  const socket = connect(Number(port), hostname)
  socket.on('error', () => {})
  await once(socket, 'connect')
  const head = await new Promise<string>((resolve) => {
    let received = ''
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1')
      if (received.includes('\r\n\r\n')) resolve(received.split('\r\n')[0] ?? '')
    })
    socket.once('close', () => resolve(received))
    socket.write('GET /v2/ HTTP/1.1\r\nHost: x\r\n\r\n')
  })
  return { socket, head }
}

describe('artifact-registry-local --max-connections', { timeout: 30_000 }, () => {
  it('serve closes a connection past the cap unanswered', async () => {
    await using registry = await startRegistryProcess(join(work, 'data'), [
      '--max-connections',
      '2',
    ])
    const held = [await ask(registry.url), await ask(registry.url)]
    try {
      expect(held.map((c) => c.head)).toEqual([
        'HTTP/1.1 401 Unauthorized',
        'HTTP/1.1 401 Unauthorized',
      ])
      const refused = await ask(registry.url)
      refused.socket.destroy()
      expect(refused.head).toBe('')
    } finally {
      for (const { socket } of held) socket.destroy()
    }
  })

  it.each([
    ['serve', '0'],
    ['serve', '1.5'],
    ['serve', ''],
    ['token-service', '-1'],
    ['token-service', '1e3'],
  ])('%s with %j is a usage error (exit 2)', (command, value) => {
    const run = runCli([command, '--data', join(work, 'data'), `--max-connections=${value}`])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain(
      `--max-connections must be a whole number, at least 1, got "${value}"`,
    )
  })
})
