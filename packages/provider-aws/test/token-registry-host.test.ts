import { describe, expect, it } from 'vitest'
import { tokenRegistryHost } from '../src/arn.js'

// ECR's `proxyEndpoint` names the caller's own registry. A role in another account than the
// registry got its own account's host, and `login` stored the credential where docker never
// looks for the registry's images. The fake answers its 127.0.0.1 URL there, so this is checked
// on the host alone.
describe('tokenRegistryHost', () => {
  const REGISTRY_ACCOUNT = '111122223333'

  it("names the registry's account where ECR named the caller's", () => {
    expect(
      tokenRegistryHost('https://444455556666.dkr.ecr.eu-west-1.amazonaws.com', REGISTRY_ACCOUNT),
    ).toBe('111122223333.dkr.ecr.eu-west-1.amazonaws.com')
    // The partition's suffix, the FIPS form and the dual-stack form are kept.
    expect(
      tokenRegistryHost(
        'https://444455556666.dkr.ecr.cn-north-1.amazonaws.com.cn',
        REGISTRY_ACCOUNT,
      ),
    ).toBe('111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn')
    expect(
      tokenRegistryHost(
        'https://444455556666.dkr.ecr-fips.us-east-1.amazonaws.com',
        REGISTRY_ACCOUNT,
      ),
    ).toBe('111122223333.dkr.ecr-fips.us-east-1.amazonaws.com')
    expect(
      tokenRegistryHost('https://444455556666.dkr-ecr.us-east-1.on.aws', REGISTRY_ACCOUNT),
    ).toBe('111122223333.dkr-ecr.us-east-1.on.aws')
  })

  it('keeps the host of the same account, and any endpoint that is no ECR host', () => {
    expect(
      tokenRegistryHost('https://111122223333.dkr.ecr.us-east-1.amazonaws.com', REGISTRY_ACCOUNT),
    ).toBe('111122223333.dkr.ecr.us-east-1.amazonaws.com')
    expect(tokenRegistryHost('http://127.0.0.1:45123', REGISTRY_ACCOUNT)).toBe('127.0.0.1:45123')
    expect(tokenRegistryHost(undefined, REGISTRY_ACCOUNT)).toBeUndefined()
  })
})
