import { describe, expect, it } from 'vitest'
import { parseBinding } from '../../src/binding/parse-binding.js'
import { type ArtifactRegistryError, isArtifactRegistryError } from '../../src/errors.js'

function configError(fn: () => unknown): ArtifactRegistryError {
  try {
    fn()
  } catch (err) {
    if (isArtifactRegistryError(err, 'INVALID_CONFIG')) return err
    throw err
  }
  throw new Error('expected INVALID_CONFIG')
}

const AWS = {
  platform: 'aws',
  region: 'eu-west-1',
  repositoryPrefix: 'acme',
  pullRoleArn: 'arn:aws:iam::123456789012:role/acme-pull',
  pushRoleArn: 'arn:aws:iam::123456789012:role/acme-push',
  replicationRegions: ['us-east-1'],
}

describe('parseBinding', () => {
  it('accepts a valid binding of every built-in platform', () => {
    expect(parseBinding(AWS)).toEqual(AWS)
    const gcp = {
      platform: 'gcp',
      projectId: 'acme-prod',
      location: 'us-central1',
      repository: 'apps',
      pullServiceAccount: 'pull@acme-prod.iam.gserviceaccount.com',
    }
    expect(parseBinding(gcp)).toEqual(gcp)
    const azure = {
      platform: 'azure',
      subscriptionId: '00000000-0000-4000-8000-000000000000',
      resourceGroup: 'rg-apps',
      registryName: 'acmeapps',
      repositoryPrefix: 'team',
      sku: 'Premium',
    }
    expect(parseBinding(azure)).toEqual(azure)
    expect(parseBinding({ platform: 'local' })).toEqual({ platform: 'local' })
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'
    const overTls = { platform: 'local', url: 'https://registry.internal:5000', caCertificate: pem }
    expect(parseBinding(overTls)).toEqual(overTls)
  })

  it('takes a port for the embedded local registry, and refuses one out of range', () => {
    expect(parseBinding({ platform: 'local', dataDir: '/var/lib/r', port: 5000 })).toEqual({
      platform: 'local',
      dataDir: '/var/lib/r',
      port: 5000,
    })
    for (const port of [70_000, -1, 50.5, '5000']) {
      const err = configError(() => parseBinding({ platform: 'local', port }))
      expect(err.issues.map((i) => i.path)).toEqual(['port'])
    }
  })

  it('refuses a local caCertificate that is not a PEM certificate', () => {
    const err = configError(() =>
      parseBinding({ platform: 'local', url: 'https://r:5000', caCertificate: '/etc/ca.pem' }),
    )
    expect(err.issues).toEqual([
      { path: 'caCertificate', message: expect.stringContaining('must be a PEM certificate') },
    ])
  })

  it('takes a local tokenServiceUrl that is an http(s) URL, and refuses anything else', () => {
    const behindTokens = {
      platform: 'local',
      url: 'https://registry.internal:5000',
      tokenServiceUrl: 'http://tokens.internal:5001',
    }
    expect(parseBinding(behindTokens)).toEqual(behindTokens)
    const err = configError(() =>
      parseBinding({ ...behindTokens, tokenServiceUrl: 'tokens.internal:5001' }),
    )
    expect(err.issues.map((i) => i.path)).toEqual(['tokenServiceUrl'])
  })

  it('takes the azure credentials mode, and refuses one it does not know', () => {
    const azure = {
      platform: 'azure',
      subscriptionId: '00000000-0000-4000-8000-000000000000',
      resourceGroup: 'rg-apps',
      registryName: 'acmeapps',
    }
    for (const credentials of ['aad-exchange', 'repository-token']) {
      expect(parseBinding({ ...azure, credentials })).toEqual({ ...azure, credentials })
    }
    for (const credentials of ['admin-user', '', 1]) {
      const err = configError(() => parseBinding({ ...azure, credentials }))
      expect(err.issues.map((i) => i.path)).toEqual(['credentials'])
    }
  })

  it('names every invalid field by path', () => {
    const err = configError(() =>
      parseBinding({
        ...AWS,
        region: 'Europe',
        pullRoleArn: 'arn:aws:iam::123:user/bob',
        replicationRegions: ['us-east-1', 'mars'],
        repositoryPrefix: 'Acme Corp',
        regoin: 'typo',
      }),
    )
    const paths = err.issues.map((i) => i.path).sort()
    expect(paths).toEqual(['', 'pullRoleArn', 'region', 'replicationRegions.1', 'repositoryPrefix'])
    expect(err.issues.find((i) => i.path === '')?.message).toContain('"regoin"')
    for (const path of ['region', 'pullRoleArn', 'replicationRegions.1', 'repositoryPrefix']) {
      expect(err.message).toContain(`${path}:`)
    }
  })

  it('reports missing required fields', () => {
    const err = configError(() => parseBinding({ platform: 'gcp', projectId: 'acme-prod' }))
    expect(err.issues.map((i) => i.path).sort()).toEqual(['location', 'repository'])
  })

  it('refuses a gcp apiEndpoint with more than scheme, host and port, which the client would drop', () => {
    const gcp = {
      platform: 'gcp',
      projectId: 'acme-prod',
      location: 'us-central1',
      repository: 'apps',
    }
    for (const apiEndpoint of [
      'https://proxy.corp/artifactregistry',
      'https://proxy.corp?x=1',
      'https://user:secret@proxy.corp',
    ]) {
      const err = configError(() => parseBinding({ ...gcp, apiEndpoint }))
      expect(err.issues.map((i) => i.path)).toEqual(['apiEndpoint'])
      expect(err.message).not.toContain('secret')
    }
    for (const apiEndpoint of [
      'http://127.0.0.1:8080',
      'https://artifactregistry.googleapis.com/',
    ]) {
      expect(parseBinding({ ...gcp, apiEndpoint })).toEqual({ ...gcp, apiEndpoint })
    }
  })

  it('rejects a non-object and an unknown platform', () => {
    expect(configError(() => parseBinding('aws')).issues[0]?.path).toBe('')
    expect(configError(() => parseBinding([])).issues[0]?.path).toBe('')
    const unknown = configError(() => parseBinding({ platform: 'harbor' }))
    expect(unknown.issues[0]?.path).toBe('platform')
    expect(unknown.message).toContain('registerProvider')
  })

  it('passes a registered third-party binding through untouched', () => {
    const binding = { platform: 'harbor', url: 'https://harbor.example' }
    expect(parseBinding(binding, { isRegistered: (p) => p === 'harbor' })).toBe(binding)
  })

  it('rejects unresolved secret references and expressions by field', () => {
    const err = configError(() =>
      parseBinding({
        service: 'ecr',
        repositoryPrefix: { secretRef: { name: 's', key: 'k' } },
        // biome-ignore lint/suspicious/noTemplateCurlyInString: an unresolved IaC expression is the input
        pullRoleArn: '${aws_iam_role.pull.arn}',
      }),
    )
    expect(err.issues.map((i) => i.path).sort()).toEqual(['pullRoleArn', 'repositoryPrefix'])
  })
})

describe('parseBinding with unresolved values below the top level', () => {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: an unresolved IaC expression is the input
  const ADMIN = '${ADMIN}'

  it('names a nested placeholder by its path, with a message that says what to do', () => {
    const err = configError(() =>
      parseBinding({ platform: 'local', adminCredentials: { username: 'admin', password: ADMIN } }),
    )
    expect(err.issues).toEqual([
      {
        path: 'adminCredentials.password',
        message: `unresolved placeholder "${ADMIN}"; resolve it before the binding reaches the runtime`,
      },
    ])
    expect(err.message).toContain(`adminCredentials.password: unresolved placeholder "${ADMIN}"`)
  })

  it('reports a nested secretRef as such, not as a wrong type', () => {
    const err = configError(() =>
      parseBinding({
        platform: 'local',
        adminCredentials: {
          username: 'admin',
          password: { secretRef: { name: 'reg', key: 'pw' } },
        },
      }),
    )
    expect(err.issues).toEqual([
      {
        path: 'adminCredentials.password',
        message:
          'unresolved secretRef (name "reg", key "pw"); resolve it before the binding reaches the runtime',
      },
    ])
  })

  it('looks into arrays and into third-party bindings', () => {
    const regions = configError(() =>
      parseBinding({ ...AWS, replicationRegions: ['us-east-1', ADMIN] }),
    )
    expect(regions.issues.map((i) => i.path)).toEqual(['replicationRegions.1'])
    const harbor = configError(() =>
      parseBinding(
        { platform: 'harbor', auth: { tokens: [{ secretRef: {} }] } },
        { isRegistered: (p) => p === 'harbor' },
      ),
    )
    expect(harbor.issues).toEqual([
      {
        path: 'auth.tokens.0',
        message: 'unresolved secretRef; resolve it before the binding reaches the runtime',
      },
    ])
  })

  it('does not quote a refused value that is no reference: it may be a password', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a password shaped like a placeholder
    const password = '${Tr0ub4dor &3!}'
    const err = configError(() =>
      parseBinding({ platform: 'local', adminCredentials: { username: 'admin', password } }),
    )
    expect(err.issues.map((i) => i.path)).toEqual(['adminCredentials.password'])
    expect(err.message).not.toContain('Tr0ub4dor')
    expect(JSON.stringify(err.issues)).not.toContain('Tr0ub4dor')
  })

  it('keeps the admin credential exactly as written, white space at its ends included', () => {
    const binding = {
      platform: 'local',
      url: 'http://127.0.0.1:5000',
      adminCredentials: { username: ' admin', password: ' s3cret\t' },
    }
    expect(parseBinding(binding)).toEqual(binding)
    for (const blank of ['', ' \t']) {
      const err = configError(() =>
        parseBinding({ ...binding, adminCredentials: { username: 'admin', password: blank } }),
      )
      expect(err.issues).toEqual([
        { path: 'adminCredentials.password', message: 'must not be empty' },
      ])
    }
  })

  it('keeps a password that merely contains "${"', () => {
    const binding = {
      platform: 'local',
      url: 'http://127.0.0.1:5000',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a password that looks like a placeholder
      adminCredentials: { username: 'admin', password: 'p${x}q' },
    }
    expect(parseBinding(binding)).toEqual(binding)
  })

  // A placeholder inside a URL, a host or a directory leaves the rest of the value looking valid:
  // loaded as it is, the provider would call a host named `${REGISTRY_HOST}`, or keep the images
  // in a directory named `${DATA_DIR}` under the working directory.
  it.each([
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an unresolved placeholder is the input
    [{ platform: 'local', url: 'http://${REGISTRY_HOST}:5000' }, 'url', '${REGISTRY_HOST}'],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an unresolved placeholder is the input
    [{ platform: 'local', dataDir: '${DATA_DIR}/registry' }, 'dataDir', '${DATA_DIR}'],
    [
      // biome-ignore lint/suspicious/noTemplateCurlyInString: an unresolved placeholder is the input
      { platform: 'local', adminCredentials: { username: 'admin-${STAGE}', password: 'p' } },
      'adminCredentials.username',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: an unresolved placeholder is the input
      '${STAGE}',
    ],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an unresolved placeholder is the input
    [{ ...AWS, endpoint: 'https://${ECR_HOST}' }, 'endpoint', '${ECR_HOST}'],
    [
      {
        platform: 'gcp',
        projectId: 'acme-prod',
        location: 'us-central1',
        repository: 'apps',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: an unresolved placeholder is the input
        apiEndpoint: 'https://${GAR_HOST}',
      },
      'apiEndpoint',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: an unresolved placeholder is the input
      '${GAR_HOST}',
    ],
    [
      {
        platform: 'azure',
        subscriptionId: '00000000-0000-4000-8000-000000000000',
        resourceGroup: 'rg-apps',
        registryName: 'acmeapps',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: an unresolved placeholder is the input
        loginServer: 'acmeapps.${ACR_SUFFIX}',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: an unresolved placeholder is the input
        authorityHost: 'https://${AUTHORITY}/',
      },
      'loginServer',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: an unresolved placeholder is the input
      '${ACR_SUFFIX}',
    ],
  ])('refuses a setting with a placeholder inside it: %j', (binding, path, placeholder) => {
    const err = configError(() => parseBinding(binding))
    expect(err.issues).toContainEqual({
      path,
      message: `holds an unresolved placeholder ${JSON.stringify(placeholder)}; resolve it before the binding reaches the runtime`,
    })
  })

  // Other templating syntaxes leave the same kind of text: HCL's spaces and indexes, and a GitHub
  // Actions expression in a file that no workflow evaluated.
  it.each([
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an unresolved placeholder is the input
    [{ platform: 'local', url: 'http://${var.hosts[0]}:5000' }, 'url', '${var.hosts[0]}'],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an unresolved placeholder is the input
    [{ platform: 'local', dataDir: '/srv/${ var.data_dir }/x' }, 'dataDir', '${ var.data_dir }'],
    [
      // biome-ignore lint/suspicious/noTemplateCurlyInString: an unresolved placeholder is the input
      { platform: 'local', url: 'https://${{vars.REGISTRY_HOST}}' },
      'url',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: an unresolved placeholder is the input
      '${{vars.REGISTRY_HOST}}',
    ],
    // An expression may hold braces of its own: GitHub Actions' format() and an HCL object.
    [
      // biome-ignore lint/suspicious/noTemplateCurlyInString: an unresolved placeholder is the input
      { platform: 'local', url: "http://${{format('{0}.internal',vars.HOST)}}:5000" },
      'url',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: an unresolved placeholder is the input
      "${{format('{0}.internal',vars.HOST)}}",
    ],
    [
      // biome-ignore lint/suspicious/noTemplateCurlyInString: an unresolved placeholder is the input
      { platform: 'local', dataDir: '/srv/${lookup({ a = "x" }, var.env)}/data' },
      'dataDir',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: an unresolved placeholder is the input
      '${lookup({ a = "x" }, var.env)}',
    ],
  ])(
    'refuses a placeholder of another syntax inside a setting: %j',
    (binding, path, placeholder) => {
      const err = configError(() => parseBinding(binding))
      expect(err.issues).toContainEqual({
        path,
        message: `holds an unresolved placeholder ${JSON.stringify(placeholder)}; resolve it before the binding reaches the runtime`,
      })
    },
  )

  it('takes a setting with a dollar or braces that are no placeholder', () => {
    const binding = { platform: 'local', dataDir: '/srv/$reg/{a}/x$' }
    expect(parseBinding(binding)).toEqual(binding)
    // A "${" that no brace closes makes no placeholder either.
    // biome-ignore lint/suspicious/noTemplateCurlyInString: text that only looks like a placeholder
    const unclosed = { platform: 'local', dataDir: '/srv/${a{b}/x' }
    expect(parseBinding(unclosed)).toEqual(unclosed)
  })

  it('names every setting with a placeholder inside it', () => {
    const err = configError(() =>
      parseBinding({
        platform: 'azure',
        subscriptionId: '00000000-0000-4000-8000-000000000000',
        resourceGroup: 'rg-apps',
        registryName: 'acmeapps',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: an unresolved placeholder is the input
        loginServer: 'acmeapps.${ACR_SUFFIX}',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: an unresolved placeholder is the input
        authorityHost: 'https://${AUTHORITY}/',
      }),
    )
    expect(err.issues.map((i) => i.path).sort()).toEqual(['authorityHost', 'loginServer'])
  })

  it('walks a binding built in code that shares or loops its objects', () => {
    const shared: Record<string, unknown> = { region: 'a' }
    const looped: Record<string, unknown> = { platform: 'harbor', a: shared, b: shared }
    looped.self = looped
    expect(parseBinding(looped, { isRegistered: () => true })).toBe(looped)
    shared.token = ADMIN
    const err = configError(() => parseBinding(looped, { isRegistered: () => true }))
    expect(err.issues.map((i) => i.path)).toEqual(['a.token', 'b.token'])
  })
})

describe('parseBinding with the Alien shape', () => {
  it('converts ecr and takes the region from the environment', () => {
    const binding = parseBinding(
      { service: 'ecr', repositoryPrefix: 'acme', pullRoleArn: AWS.pullRoleArn },
      { env: { AWS_REGION: 'eu-west-1' } },
    )
    expect(binding).toEqual({
      platform: 'aws',
      region: 'eu-west-1',
      repositoryPrefix: 'acme',
      pullRoleArn: AWS.pullRoleArn,
    })
  })

  it('says where the missing region should come from', () => {
    const err = configError(() =>
      parseBinding({ service: 'ecr', repositoryPrefix: 'acme' }, { env: {} }),
    )
    expect(err.issues.map((i) => i.path)).toEqual([
      'region (from AWS_REGION or AWS_DEFAULT_REGION)',
    ])
  })

  it('names every variable the GCP project may come from', () => {
    // A project read from GCP_PROJECT must not be blamed on GOOGLE_CLOUD_PROJECT, which is unset.
    const err = configError(() =>
      parseBinding(
        { service: 'gar', repositoryName: 'apps' },
        { env: { GCP_PROJECT: 'P', GOOGLE_CLOUD_REGION: 'us-central1' } },
      ),
    )
    expect(err.issues.map((i) => i.path)).toEqual([
      'projectId (from GOOGLE_CLOUD_PROJECT, GCLOUD_PROJECT or GCP_PROJECT)',
    ])
  })

  it('converts gar, acr and local', () => {
    expect(
      parseBinding(
        {
          service: 'gar',
          repositoryName: 'apps',
          pushServiceAccountEmail: 'push@acme-prod.iam.gserviceaccount.com',
        },
        { env: { GOOGLE_CLOUD_PROJECT: 'acme-prod', GOOGLE_CLOUD_REGION: 'europe-west1' } },
      ),
    ).toEqual({
      platform: 'gcp',
      projectId: 'acme-prod',
      location: 'europe-west1',
      repository: 'apps',
      pushServiceAccount: 'push@acme-prod.iam.gserviceaccount.com',
    })
    expect(
      parseBinding(
        { service: 'acr', registryName: 'acmeapps', resourceGroupName: 'rg-apps' },
        { env: { AZURE_SUBSCRIPTION_ID: '00000000-0000-4000-8000-000000000000' } },
      ),
    ).toEqual({
      platform: 'azure',
      subscriptionId: '00000000-0000-4000-8000-000000000000',
      resourceGroup: 'rg-apps',
      registryName: 'acmeapps',
    })
    expect(
      parseBinding({ service: 'local', registryUrl: 'localhost:5000' }, { bindingName: 'images' }),
    ).toEqual({ platform: 'local', url: 'http://localhost:5000', bindingName: 'images' })
  })

  it('maps issue paths back to the Alien field names', () => {
    const err = configError(() =>
      parseBinding(
        { service: 'gar', repositoryName: 'Apps_Repo', pullServiceAccountEmail: 'not-an-email' },
        { env: { GOOGLE_CLOUD_PROJECT: 'acme-prod', GOOGLE_CLOUD_REGION: 'us-central1' } },
      ),
    )
    expect(err.issues.map((i) => i.path).sort()).toEqual([
      'pullServiceAccountEmail',
      'repositoryName',
    ])
  })

  it('rejects an unknown service', () => {
    expect(configError(() => parseBinding({ service: 's3' })).issues[0]?.path).toBe('service')
  })

  it('rejects a service named like a property every object inherits', () => {
    // `"toString" in {}` is true: such a service must be INVALID_CONFIG, not a TypeError.
    for (const service of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      const err = configError(() => parseBinding(JSON.parse(`{"service":"${service}"}`)))
      expect(err.issues.map((i) => i.path)).toEqual(['service'])
    }
  })

  it('refuses a misspelt field rather than dropping it (a lost repositoryPrefix widens the scope)', () => {
    // Ignored, the prefix would be gone: the runtime would create, list and delete repositories
    // across the whole registry instead of under team-a/.
    const AZURE_ENV = { AZURE_SUBSCRIPTION_ID: '00000000-0000-4000-8000-000000000000' }
    for (const field of ['repositoryprefix', 'RepositoryPrefix', 'repositoryPrefx']) {
      const err = configError(() =>
        parseBinding(
          { service: 'acr', registryName: 'acmeapps', resourceGroupName: 'rg', [field]: 'team-a' },
          { env: AZURE_ENV },
        ),
      )
      expect(err.issues).toEqual([
        {
          path: field,
          message: 'is not a field of the Alien "acr" binding; did you mean repositoryPrefix?',
        },
      ])
    }
    const aws = configError(() =>
      parseBinding(
        { service: 'ecr', repositoryPrefix: 'acme', pullRoleArm: AWS.pullRoleArn },
        { env: { AWS_REGION: 'eu-west-1' } },
      ),
    )
    expect(aws.issues.map((i) => i.path)).toEqual(['pullRoleArm'])
  })

  it('refuses a field of our shape that the Alien shape would drop (region, replicationRegions)', () => {
    // Dropped, the region would come from AWS_REGION instead, and grants would skip the replicas.
    const err = configError(() =>
      parseBinding(
        {
          service: 'ecr',
          repositoryPrefix: 'acme',
          region: 'eu-west-1',
          replicationRegions: ['us-west-2'],
        },
        { env: { AWS_REGION: 'us-east-1' } },
      ),
    )
    expect(err.issues).toEqual([
      {
        path: 'region',
        message:
          'is a field of the "aws" binding, not of the Alien "ecr" binding: write the binding with "platform": "aws" to set it',
      },
      {
        path: 'replicationRegions',
        message:
          'is a field of the "aws" binding, not of the Alien "ecr" binding: write the binding with "platform": "aws" to set it',
      },
    ])
    const local = configError(() =>
      parseBinding({
        service: 'local',
        registryUrl: 'localhost:5000',
        adminCredentials: { username: 'admin', password: 'x' },
      }),
    )
    expect(local.issues.map((i) => i.path)).toEqual(['adminCredentials'])
  })

  it('still ignores fields it does not know and that look like no field of either shape', () => {
    expect(
      parseBinding(
        { service: 'local', registryUrl: 'localhost:5000', id: 'images', note: 'dev' },
        { bindingName: 'images' },
      ),
    ).toEqual({ platform: 'local', url: 'http://localhost:5000', bindingName: 'images' })
  })
})
