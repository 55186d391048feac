import type { ForeignCaller } from './foreign-identities.js'
import type { ServiceCaller } from './repository-policy-eval.js'

/** The service principal Lambda pulls a function's image as. */
export const LAMBDA_SERVICE = 'lambda.amazonaws.com'

const FUNCTION_ARN = /^arn:aws:lambda:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):function:[\w-]{1,64}$/

/**
 * A pull the Lambda service makes for a function of another account that is being created or
 * updated with an image of the fake's registry. Lambda takes an image only from a repository of
 * the function's region, and both must be allowed by the repository's policy: the identity that
 * creates or updates the function (through its account or its role, as any other caller of that
 * account), and the Lambda service for that function (`lambda.amazonaws.com`, its request
 * carrying the function's ARN as `aws:SourceArn` and its account as `aws:SourceAccount`).
 */
export interface LambdaPull {
  readonly functionArn: string
  /** The function's region: the region of the repository the image comes from. */
  readonly region: string
  readonly creator: ForeignCaller
  readonly service: ServiceCaller
}

/**
 * The region and account of a Lambda function ARN.
 * @throws TypeError for anything else.
 */
export function functionArnParts(functionArn: string): { region: string; accountId: string } {
  const match = FUNCTION_ARN.exec(functionArn)
  if (match?.[1] === undefined || match[2] === undefined) {
    throw new TypeError(
      `[aws-fake] ${JSON.stringify(functionArn)} is not a Lambda function ARN (arn:aws:lambda:<region>:<account>:function:<name>)`,
    )
  }
  return { region: match[1], accountId: match[2] }
}

/** The pull of `functionArn`'s image, by the service, for the function `creator` makes. */
export function lambdaPull(functionArn: string, creator: ForeignCaller): LambdaPull {
  const parts = functionArnParts(functionArn)
  return {
    functionArn,
    region: parts.region,
    creator,
    service: {
      service: LAMBDA_SERVICE,
      context: { 'aws:sourcearn': functionArn, 'aws:sourceaccount': parts.accountId },
    },
  }
}
