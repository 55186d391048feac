import { randomBytes } from 'node:crypto'

/** Credentials issued by the fake's `AssumeRole`. */
export interface FakeSession {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken: string
  readonly roleArn: string
  /**
   * The unique id of the IAM-created role the session belongs to, when the fake's IAM created
   * it: the session is that role's, not its name's (see `IamEvaluator`).
   */
  readonly roleId: string | undefined
  readonly roleSessionName: string
  readonly policy: string | undefined
  readonly expiration: Date
}

/** The sessions issued so far, by access key id, so later ECR calls know who signed them. */
export class SessionStore {
  readonly #byKey = new Map<string, FakeSession>()

  issue(input: Omit<FakeSession, 'accessKeyId' | 'secretAccessKey' | 'sessionToken'>): FakeSession {
    const session: FakeSession = {
      ...input,
      accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
      secretAccessKey: randomBytes(20).toString('base64'),
      sessionToken: randomBytes(48).toString('base64'),
    }
    this.#byKey.set(session.accessKeyId, session)
    return session
  }

  find(accessKeyId: string): FakeSession | undefined {
    return this.#byKey.get(accessKeyId)
  }

  clear(): void {
    this.#byKey.clear()
  }
}

/** The ARN STS reports for a session: `arn:aws:sts::<acct>:assumed-role/<role>/<session>`. */
export function assumedRoleArn(session: FakeSession): string {
  const [, partition = 'aws', , , account = '', resource = ''] = session.roleArn.split(':')
  const roleName = resource.split('/').pop() ?? resource
  return `arn:${partition}:sts::${account}:assumed-role/${roleName}/${session.roleSessionName}`
}

/** The ARN of the caller: the session's assumed role, or the base identity (an IAM user). */
export function callerArn(session: FakeSession | undefined, accountId: string): string {
  return session === undefined
    ? `arn:aws:iam::${accountId}:user/fake-caller`
    : assumedRoleArn(session)
}

/**
 * Why a request's credentials are refused before anything else: `expired` once its session has
 * ended, `invalid` for a session key (`ASIA…`) the fake never issued; `undefined` otherwise
 * (long-term keys are not checked).
 */
export function sessionCredentialProblem(
  accessKeyId: string,
  session: FakeSession | undefined,
  now: number,
): 'expired' | 'invalid' | undefined {
  if (session === undefined) return accessKeyId.startsWith('ASIA') ? 'invalid' : undefined
  return session.expiration.getTime() <= now ? 'expired' : undefined
}

/** What AWS says about a session that has ended. */
export const EXPIRED_TOKEN_MESSAGE = 'The security token included in the request is expired'
/** What AWS says about security credentials it never issued. */
export const INVALID_TOKEN_MESSAGE = 'The security token included in the request is invalid.'
