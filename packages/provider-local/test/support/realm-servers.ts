import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { createTestPki } from '@artifact-registry/test-kit'
import { afterEach } from 'vitest'

/** Servers on 127.0.0.1 that a test file starts, each closed after its test. */
export interface LoopbackServers {
  /** Listen on a free port of 127.0.0.1; resolves to the port. */
  listen(server: Server): Promise<number>
}

/** Servers closed after each test of the calling file (it registers the `afterEach`). */
export function loopbackServers(): LoopbackServers {
  const servers: Server[] = []
  afterEach(async () => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })
  return {
    async listen(server) {
      servers.push(server)
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      return (server.address() as { port: number }).port
    },
  }
}

/** A server that records what reaches it and answers 404 (where a token would be asked). */
export async function collector(
  servers: LoopbackServers,
): Promise<{ port: number; seen: IncomingMessage[] }> {
  const seen: IncomingMessage[] = []
  const port = await servers.listen(
    createHttpServer((req, res) => {
      seen.push(req)
      res.writeHead(404, { 'content-length': '0' }).end()
    }),
  )
  return { port, seen }
}

/** Answers every request 401 with a Bearer challenge naming `realm`. */
export function challenging(realm: () => string) {
  return (_: IncomingMessage, res: import('node:http').ServerResponse): void => {
    res
      .writeHead(401, {
        'www-authenticate': `Bearer realm="${realm()}",service="registry"`,
        'content-length': '0',
      })
      .end()
  }
}

/**
 * An HTTPS registry stand-in (a certificate of a test CA) whose challenge names a token realm on
 * plain HTTP, a {@link collector}: the realm a provider refuses unless `tokenServiceUrl` names it.
 */
export async function httpsRegistryWithPlainRealm(servers: LoopbackServers): Promise<{
  url: string
  ca: string
  /** The realm's origin, `http://127.0.0.1:PORT`. */
  realm: string
  seen: IncomingMessage[]
}> {
  const plain = await collector(servers)
  const realm = `http://127.0.0.1:${plain.port}`
  const pki = await createTestPki()
  const server = createHttpsServer(
    { cert: pki.certPem, key: pki.keyPem },
    challenging(() => `${realm}/token`),
  )
  const port = await servers.listen(server as unknown as Server)
  return { url: `https://127.0.0.1:${port}`, ca: pki.caPem, realm, seen: plain.seen }
}
