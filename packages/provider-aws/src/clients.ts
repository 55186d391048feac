import { ECRClient } from '@aws-sdk/client-ecr'
import { STSClient } from '@aws-sdk/client-sts'
import { withoutRequestsInErrors } from './error-requests.js'
import { type AwsClientConfig, DEFAULT_REQUEST_TIMEOUT_MS } from './options.js'

/** Temporary credentials of an assumed-role session. */
export interface SessionCredentials {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken: string
  readonly expiration: Date
}

/**
 * The SDK clients of one provider, created on first use: one ECR client per region and one STS
 * client in the home region. `close()` destroys them (their sockets); later calls create new ones.
 */
export class AwsClients {
  readonly #config: AwsClientConfig
  readonly #homeRegion: string
  readonly #ecr = new Map<string, ECRClient>()
  #sts: STSClient | undefined

  constructor(config: AwsClientConfig, homeRegion: string) {
    this.#config = config
    this.#homeRegion = homeRegion
  }

  /** The ECR client of a region, signed with the base identity. */
  ecr(region: string): ECRClient {
    let client = this.#ecr.get(region)
    if (client === undefined) {
      client = withoutRequestsInErrors(
        new ECRClient(defined({ ...this.#common(), region, endpoint: this.#config.endpoint })),
      )
      this.#ecr.set(region, client)
    }
    return client
  }

  /** The STS client (home region), signed with the base identity. */
  sts(): STSClient {
    this.#sts ??= withoutRequestsInErrors(
      new STSClient(
        defined({
          ...this.#common(),
          region: this.#homeRegion,
          endpoint: this.#config.stsEndpoint,
        }),
      ),
    )
    return this.#sts
  }

  /** Run `use` with a short-lived ECR client signed with session credentials, then destroy it. */
  async withSessionEcr<T>(
    region: string,
    credentials: SessionCredentials,
    use: (client: ECRClient) => Promise<T>,
  ): Promise<T> {
    const { maxAttempts, retryMode } = this.#config
    const client = withoutRequestsInErrors(
      new ECRClient(
        defined({
          maxAttempts,
          retryMode,
          requestHandler: requestHandlerOf(this.#config),
          region,
          endpoint: this.#config.endpoint,
          credentials,
        }),
      ),
    )
    try {
      return await use(client)
    } finally {
      client.destroy()
    }
  }

  close(): void {
    for (const client of this.#ecr.values()) client.destroy()
    this.#ecr.clear()
    this.#sts?.destroy()
    this.#sts = undefined
  }

  #common(): Pick<AwsClientConfig, 'credentials' | 'maxAttempts' | 'retryMode'> & {
    requestHandler: SdkRequestHandlerOptions
  } {
    const { credentials, maxAttempts, retryMode } = this.#config
    return { credentials, maxAttempts, retryMode, requestHandler: requestHandlerOf(this.#config) }
  }
}

/** @internal What the SDK clients are given as `requestHandler`: the options of its own handler. */
export interface SdkRequestHandlerOptions {
  connectionTimeout: number
  requestTimeout: number
  throwOnRequestTimeout: true
  socketTimeout: number
}

/**
 * @internal The timeouts of every SDK client, each `requestTimeoutMs`: connecting
 * (`connectionTimeout`), waiting for the answer's headers (`requestTimeout`, which the SDK's
 * handler only warns about unless told to throw) and any silence while its body arrives
 * (`socketTimeout`, idle time): an attempt cannot hang at any stage.
 */
export function requestHandlerOf(config: AwsClientConfig): SdkRequestHandlerOptions {
  const timeout = config.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS
  return {
    connectionTimeout: timeout,
    requestTimeout: timeout,
    throwOnRequestTimeout: true,
    socketTimeout: timeout,
  }
}

/**
 * @internal Drop undefined fields, so the SDK applies its own defaults (and the env overrides,
 * `AWS_ENDPOINT_URL_<SERVICE>`) for them.
 */
export function defined<T extends object>(config: T): T {
  return Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)) as T
}
