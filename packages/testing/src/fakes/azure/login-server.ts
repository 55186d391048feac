import { type FakeServer, startFakeServer } from '../fake-server.js'
import { type AcrContext, acrOperation, acrRoute } from './acr.js'
import { AcrDataPlane } from './data-plane.js'
import { DataPlaneContent } from './data-plane-content.js'
import { acrError } from './responses.js'
import { TEST_TLS_CERT, TEST_TLS_KEY } from './test-certificate.js'

/** What every login server shares: the state, identities, clock and token lifetimes. */
export type LoginServerContext = Omit<AcrContext, 'content'>

/**
 * @internal The login server of one registry besides the fake's first (whose login server is the
 * fake's own port): its own HTTPS port of 127.0.0.1 with ACR's token endpoints, `/acr/v1` and
 * the OCI API over a registry of its own, so no image, token or password of one registry reaches
 * another, as each ACR registry has its own `{name}.azurecr.io`.
 */
export class RegistryLoginServer {
  readonly #server: FakeServer
  readonly #dataPlane: AcrDataPlane
  readonly content: DataPlaneContent

  private constructor(server: FakeServer, dataPlane: AcrDataPlane, content: DataPlaneContent) {
    this.#server = server
    this.#dataPlane = dataPlane
    this.content = content
  }

  /** Start the login server of the registry whose state key is `registryKey`. */
  static async start(ctx: LoginServerContext, registryKey: string): Promise<RegistryLoginServer> {
    const dataPlane = await AcrDataPlane.start(ctx)
    const content = new DataPlaneContent(dataPlane)
    const acr: AcrContext = { ...ctx, content }
    let server: FakeServer
    try {
      server = await startFakeServer({
        name: 'azure-fake',
        tls: { key: TEST_TLS_KEY, cert: TEST_TLS_CERT },
        operationOf: (request) => acrOperation(request) ?? 'unknown',
        route: (request) => {
          const operation = acrOperation(request)
          if (operation !== undefined) return acrRoute(request, operation, acr)
          return acrError(
            404,
            'NOT_FOUND',
            `no route for ${request.method} ${request.url.pathname}`,
          )
        },
        streamed: dataPlane.streamed,
      })
    } catch (err) {
      await dataPlane.close()
      throw err
    }
    const loginServer = `127.0.0.1:${server.port}`
    dataPlane.attach(loginServer)
    ctx.state.loginServers.set(loginServer, registryKey)
    return new RegistryLoginServer(server, dataPlane, content)
  }

  /** `127.0.0.1:{port}`, as credentials of the registry name it. */
  get loginServer(): string {
    return `127.0.0.1:${this.#server.port}`
  }

  /** Stop serving, and the registry behind it. */
  async close(): Promise<void> {
    await this.#server.close()
    await this.#dataPlane.close()
  }
}
