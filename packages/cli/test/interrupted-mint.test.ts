import type { ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { delimiter, join } from 'node:path'
import { basicAuth } from '@artifact-registry/test-kit'
import { afterAll, describe, expect, it } from 'vitest'
import { EXIT } from '../src/index.js'
import { cli, writeBindingFile } from './support/command.js'
import { boundRegistryForFile } from './support/registry.js'

const { dir, bound } = await boundRegistryForFile('cli-interrupted-mint-')
await cli(['repo', 'create', 'app', '--binding-file', bound.bindingFile])

const MINT_PATH = '/_artifact-registry/credentials'

/** What the registry answered to the mint the proxy held back. */
interface Minted {
  username: string
  password: string
}

/**
 * A proxy on 127.0.0.1 in front of the registry that holds each mint back: when one arrives it
 * calls `onMint` (to press Ctrl-C while the command waits for it), then lets it through a moment
 * later, and keeps what the registry minted.
 */
async function mintHoldingProxy(): Promise<{
  url: string
  onMint: (callback: () => void) => void
  /** What the registry minted for the last mint, once it answered (the command may be gone). */
  minted: () => Promise<Minted>
  server: Server
}> {
  let callback = (): void => {}
  let minted = Promise.withResolvers<Minted>()
  let self = ''
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req)
      const isMint = req.method === 'POST' && req.url === MINT_PATH
      if (isMint) {
        minted = Promise.withResolvers<Minted>()
        callback()
        await new Promise((resolve) => setTimeout(resolve, 500))
      }
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(
          (entry): entry is [string, string] =>
            typeof entry[1] === 'string' && !['host', 'connection'].includes(entry[0]),
        ),
      )
      const upstream = await fetch(`${bound.registry.url}${req.url}`, {
        method: req.method ?? 'GET',
        headers,
        ...(body.length > 0 && { body }),
      })
      const answer = Buffer.from(await upstream.arrayBuffer())
      if (isMint) minted.resolve(JSON.parse(answer.toString()) as Minted)
      const passed: Record<string, string> = {}
      upstream.headers.forEach((value, name) => {
        // The challenge's realm names the registry: the proxy, so minting comes through it.
        if (name !== 'content-length' && name !== 'transfer-encoding')
          passed[name] = value.replaceAll(bound.registry.url, self)
      })
      res.writeHead(upstream.status, passed).end(answer)
    })().catch(() => res.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  self = `http://127.0.0.1:${port}`
  return {
    url: self,
    onMint: (next) => {
      callback = next
    },
    minted: () => minted.promise,
    server,
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

const proxy = await mintHoldingProxy()
afterAll(() => new Promise((resolve) => proxy.server.close(resolve)))
// The registry's own binding, reaching it through the proxy.
const viaProxy = await writeBindingFile(
  dir,
  { ...JSON.parse(await readFile(bound.bindingFile, 'utf8')), url: proxy.url },
  'via-proxy.json',
)

/** The status `GET /v2/` answers with these credentials, straight from the registry. */
async function status(minted: Minted): Promise<number> {
  const res = await fetch(`${bound.registry.url}/v2/`, {
    headers: { authorization: basicAuth(minted.username, minted.password) },
  })
  await res.body?.cancel()
  return res.status
}

/** Press Ctrl-C in the command while the registry mints for it. */
function interruptDuringMint(): { started: (child: ChildProcess) => void } {
  return { started: (child) => proxy.onMint(() => child.kill('SIGINT')) }
}

describe('Ctrl-C while credentials are being minted', () => {
  it('credentials: the credential minted meanwhile, never printed, is revoked', async () => {
    const result = await cli(
      ['credentials', 'artifacts/app', '--format', 'json', '--binding-file', viaProxy],
      interruptDuringMint(),
    )
    expect(result.status).toBe(EXIT.interrupted)
    expect(result.stdout).toBe('')
    const minted = await proxy.minted()
    expect(result.stderr).toContain(
      `the credentials minted for it (${minted.username}) were revoked`,
    )
    expect(result.stderr).not.toContain(minted.password)
    expect(await status(minted)).toBe(401)
  })

  it('login: the credential minted meanwhile, never given to the client, is revoked', async () => {
    const clientDir = join(dir, 'client')
    await mkdir(clientDir, { recursive: true })
    await writeFile(
      join(clientDir, 'docker'),
      `#!/bin/sh\ntouch "${clientDir}/ran"\ncat >/dev/null\n`,
    )
    await chmod(join(clientDir, 'docker'), 0o755)
    const result = await cli(['login', 'artifacts/app', '--binding-file', viaProxy], {
      env: { PATH: `${clientDir}${delimiter}${process.env.PATH}` },
      ...interruptDuringMint(),
    })
    expect(result.status).toBe(EXIT.interrupted)
    const minted = await proxy.minted()
    expect(result.stderr).toContain(
      `the credentials minted for it (${minted.username}) were revoked`,
    )
    expect(await status(minted)).toBe(401)
    expect(existsSync(join(clientDir, 'ran'))).toBe(false)
  })
})
