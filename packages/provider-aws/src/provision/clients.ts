import { IAMClient } from '@aws-sdk/client-iam'
import { AwsClients, defined, requestHandlerOf } from '../clients.js'
import { withoutRequestsInErrors } from '../error-requests.js'
import type { AwsProvisionClientConfig } from './options.js'

/**
 * The SDK clients of one `provision` or `deprovision` run: the runtime's ECR and STS clients and
 * an IAM client, which only provisioning loads.
 */
export class ProvisionClients extends AwsClients {
  readonly #config: AwsProvisionClientConfig
  readonly #region: string
  #iam: IAMClient | undefined

  constructor(config: AwsProvisionClientConfig, region: string) {
    super(config, region)
    this.#config = config
    this.#region = region
  }

  /** The IAM client (a global service; signed for the home region's partition). */
  iam(): IAMClient {
    const { credentials, maxAttempts, retryMode, iamEndpoint } = this.#config
    this.#iam ??= withoutRequestsInErrors(
      new IAMClient(
        defined({
          credentials,
          maxAttempts,
          retryMode,
          requestHandler: requestHandlerOf(this.#config),
          region: this.#region,
          endpoint: iamEndpoint,
        }),
      ),
    )
    return this.#iam
  }

  override close(): void {
    super.close()
    this.#iam?.destroy()
    this.#iam = undefined
  }
}
