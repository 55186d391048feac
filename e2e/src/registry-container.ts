import type { TokenService } from '@artifact-registry/registry-server'
import {
  AbstractStartedContainer,
  GenericContainer,
  PullPolicy,
  type StartedTestContainer,
  Wait,
} from 'testcontainers'
import { REGISTRY_IMAGE } from './images.js'
import type { NetworkMode } from './network-mode.js'

/** Where the token service's CA certificate is copied in the container. */
export const TOKEN_CA_PATH = '/etc/docker/registry/token-ca.pem'

const CONTAINER_PORT = 5000
const LISTENING = /listening on \S*:(\d+)/

/**
 * The pinned `registry` image (CNCF distribution) under testcontainers: never pulled (CI machines
 * cannot pull; `tools/registry-image/build.sh` builds it offline), configured only through
 * `REGISTRY_*` environment variables, ready when it logs `listening on`.
 *
 * @example
 * ```ts
 * await using registry = await new RegistryContainer().withTokenService(tokens).start()
 * console.log(registry.url) // http://127.0.0.1:41234
 * ```
 */
export class RegistryContainer extends GenericContainer {
  #network: NetworkMode = 'host'

  constructor(image: string = REGISTRY_IMAGE) {
    super(image)
    this.withPullPolicy(PullPolicy.neverPull())
      .withWaitStrategy(Wait.forLogMessage(/listening on/))
      .withStartupTimeout(60_000)
  }

  /** Trust the tokens of our token service: its `REGISTRY_AUTH_TOKEN_*` settings and its CA. */
  withTokenService(tokens: TokenService): this {
    return this.withEnvironment(tokens.registryAuthEnv(TOKEN_CA_PATH)).withCopyContentToContainer([
      { content: tokens.caCertificate, target: TOKEN_CA_PATH, mode: 0o644 },
    ])
  }

  /** Host networking (Linux CI: engines without a bridge) or a mapped port. @default "host" */
  withNetworking(mode: NetworkMode): this {
    this.#network = mode
    return this
  }

  override async start(): Promise<StartedRegistryContainer> {
    const log = this.#captureLog()
    if (this.#network === 'mapped') {
      this.withExposedPorts(CONTAINER_PORT).withEnvironment({
        REGISTRY_HTTP_ADDR: `:${CONTAINER_PORT}`,
      })
    } else {
      // Port 0: the registry binds a free loopback port itself and logs it, so no other process
      // can take the port between our choosing it and the registry binding it.
      this.withNetworkMode('host').withEnvironment({ REGISTRY_HTTP_ADDR: '127.0.0.1:0' })
    }
    let started: StartedTestContainer
    try {
      started = await super.start()
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error)
      throw new Error(
        `${this.imageName.string} did not start: ${why}
${log.tail()}`,
        {
          cause: error,
        },
      )
    }
    try {
      const url =
        this.#network === 'mapped'
          ? `http://${started.getHost()}:${started.getMappedPort(CONTAINER_PORT)}`
          : `http://127.0.0.1:${await within(log.port, 10_000)}`
      return new StartedRegistryContainer(started, url)
    } catch (error) {
      await started.stop()
      throw error
    }
  }

  // The end of the registry's log (for start failures) and the port it says it listens on.
  #captureLog(): { port: Promise<string>; tail(): string } {
    let seen = ''
    const port = new Promise<string>((resolve) => {
      this.withLogConsumer((stream) => {
        stream.on('data', (chunk) => {
          seen = (seen + String(chunk)).slice(-4096)
          const match = LISTENING.exec(seen)
          if (match?.[1]) resolve(match[1])
        })
      })
    })
    return { port, tail: () => seen }
  }
}

// The wait strategy has seen the line, so the consumer's copy of the log is at most moments late.
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`registry log: no port after ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** A running {@link RegistryContainer}; `stop()` (or `await using`) removes it. */
export class StartedRegistryContainer extends AbstractStartedContainer {
  /** `http://host:port` of the registry API. */
  readonly url: string
  /** `host:port`, as image references and credentials spell it. */
  readonly authority: string

  constructor(started: StartedTestContainer, url: string) {
    super(started)
    this.url = url
    this.authority = new URL(url).host
  }
}
