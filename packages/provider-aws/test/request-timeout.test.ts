import { createServer, type Server, type Socket } from 'node:net'
import { startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { afterAll, describe, expect, it } from 'vitest'
import { aws } from '../src/index.js'
import { provision } from '../src/provision/index.js'
import {
  access,
  PREFIX,
  PULL_ROLE,
  PUSH_ROLE,
  policyDoc,
  providerFor,
  REGION,
  registryErrorOf,
  uniqueLogical,
} from './helpers.js'
import { provisionOptions } from './provision-helpers.js'

// An AWS endpoint that takes connections and never answers: without a request timeout an SDK
// call to it never returns, and the grant changes of its repository queue behind it for ever.

const TIMEOUT_MS = 300
const B = '222222222222'

/** A server on 127.0.0.1 that accepts connections, reads what comes and never answers. */
async function silentServer(): Promise<{ url: string; connections: () => number; close(): void }> {
  const sockets = new Set<Socket>()
  let connections = 0
  const server: Server = createServer((socket) => {
    connections += 1
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.resume()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => connections,
    close: () => {
      for (const socket of sockets) socket.destroy()
      server.close()
    },
  }
}

/** A server on 127.0.0.1 that answers 200 with a JSON body it never finishes. */
async function stallingServer(): Promise<{ url: string; close(): void }> {
  const sockets = new Set<Socket>()
  const server: Server = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.once('data', () => {
      socket.write(
        'HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\n' +
          'Content-Length: 1000\r\n\r\n{"repositories":[',
      )
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      for (const socket of sockets) socket.destroy()
      server.close()
    },
  }
}

const fake = await startAwsFake()
const silent = await silentServer()
afterAll(() => {
  silent.close()
  return fake.close()
})

/** A provider of the fake's account whose ECR and STS endpoints never answer. */
function unansweredProvider(attempts: number, requestTimeoutMs = TIMEOUT_MS) {
  return aws({
    region: REGION,
    repositoryPrefix: PREFIX,
    accountId: '123456789012',
    pullRoleArn: PULL_ROLE,
    pushRoleArn: PUSH_ROLE,
    clientConfig: {
      endpoint: silent.url,
      stsEndpoint: silent.url,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      maxAttempts: attempts,
      requestTimeoutMs,
    },
  })
}

describe('clientConfig.requestTimeoutMs', () => {
  it('fails a call that gets no answer with TIMEOUT, after each attempt times out', async () => {
    const registry = await unansweredProvider(2)
    const before = silent.connections()
    const started = performance.now()
    const error = await registryErrorOf(registry.getRepository(`${PREFIX}-never-answered`))
    expect(error.code).toBe('TIMEOUT')
    expect(error.retryable).toBe(true)
    expect(silent.connections() - before).toBe(2)
    expect(performance.now() - started).toBeLessThan(10_000)
  })

  it('fails with TIMEOUT when the answer starts and then goes silent', async () => {
    const stalling = await stallingServer()
    try {
      const registry = await aws({
        region: REGION,
        repositoryPrefix: PREFIX,
        accountId: '123456789012',
        clientConfig: {
          endpoint: stalling.url,
          stsEndpoint: stalling.url,
          credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
          maxAttempts: 1,
          requestTimeoutMs: TIMEOUT_MS,
        },
      })
      const error = await registryErrorOf(registry.getRepository(`${PREFIX}-half-answered`))
      expect(error.code).toBe('TIMEOUT')
    } finally {
      stalling.close()
    }
  })

  it("lets the repository's next grant change go ahead once a call that got no answer times out", async () => {
    const registry = await providerFor(fake)
    const { name } = await registry.createRepository(uniqueLogical('timeout'))
    await registry.addCrossAccountAccess(name, access({ accountIds: [B] }))
    // The same account, region and repository: the two changes run one at a time, in order.
    const hung = (await unansweredProvider(1)).addCrossAccountAccess(
      name,
      access({ accountIds: ['333333333333'] }),
    )
    const removal = registry.removeCrossAccountAccess(name, access({ accountIds: [B] }))
    expect((await registryErrorOf(hung)).code).toBe('TIMEOUT')
    await removal
    expect(policyDoc(fake, REGION, name)).toBeUndefined()
  })

  it.each([0, 1.5, -1, Number.NaN, 2 ** 31])(
    '%s is INVALID_CONFIG, also for provisioning',
    async (value) => {
      const runtime = await registryErrorOf(unansweredProvider(1, value))
      expect(runtime.code).toBe('INVALID_CONFIG')
      expect(runtime.message).toContain('clientConfig.requestTimeoutMs')
      const provisioning = await registryErrorOf(
        provision(
          provisionOptions(fake, {
            clientConfig: { ...provisionOptions(fake).clientConfig, requestTimeoutMs: value },
          }),
        ),
      )
      expect(provisioning.code).toBe('INVALID_CONFIG')
      expect(provisioning.message).toContain('clientConfig.requestTimeoutMs')
    },
  )
})
