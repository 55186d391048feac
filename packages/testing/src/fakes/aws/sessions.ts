import { randomBytes } from 'node:crypto'

/** Credentials issued by the fake's `AssumeRole`. */
export interface FakeSession {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken: string
  readonly roleArn: string
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
