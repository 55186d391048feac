import { describe, expect, it, vi } from 'vitest'
import type { ArtifactRegistry } from '../src/artifact-registry.js'
import { ArtifactRegistryError, isArtifactRegistryError } from '../src/errors.js'
import {
  alienBindingEnvVariable,
  bindingEnvVariable,
  createArtifactRegistry,
  importProviderPackage,
  loadArtifactRegistry,
  registerProvider,
} from '../src/factory.js'
import { stubProvider } from './support/stub-provider.js'

function stubRegistry(platform: string, binding: unknown): ArtifactRegistry & { binding: unknown } {
  const notSupported = async (): Promise<never> => {
    throw new ArtifactRegistryError('NOT_SUPPORTED', 'stub', { platform })
  }
  return { ...stubProvider(platform, notSupported), binding }
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (err) {
    if (isArtifactRegistryError(err)) return err.code
    throw err
  }
  return 'OK'
}

describe('createArtifactRegistry', () => {
  it('finds a registered third-party provider and loads it once', async () => {
    const loader = vi.fn(() => ({ fromBinding: (b: unknown) => stubRegistry('harbor', b) }))
    registerProvider('harbor', loader)
    const binding = { platform: 'harbor', url: 'http://127.0.0.1:1' }
    const first = (await createArtifactRegistry(binding)) as ReturnType<typeof stubRegistry>
    await createArtifactRegistry(binding)
    expect(first.platform).toBe('harbor')
    expect(first.binding).toEqual(binding)
    expect(loader).toHaveBeenCalledTimes(1)
  })

  it('lets a registered provider replace a built-in one, with the binding validated first', async () => {
    registerProvider('local', () => ({ fromBinding: (b) => stubRegistry('local', b) }))
    const registry = (await createArtifactRegistry({
      platform: 'local',
      bindingName: 'ci',
    })) as ReturnType<typeof stubRegistry>
    expect(registry.binding).toEqual({ platform: 'local', bindingName: 'ci' })
    expect(await codeOf(createArtifactRegistry({ platform: 'local', url: 'ftp://x' }))).toBe(
      'INVALID_CONFIG',
    )
  })

  it('reports every bad field of an invalid binding', async () => {
    try {
      await createArtifactRegistry({ platform: 'aws', region: 'nowhere' } as never)
      expect.unreachable()
    } catch (err) {
      expect(isArtifactRegistryError(err, 'INVALID_CONFIG')).toBe(true)
      expect((err as ArtifactRegistryError).issues.map((i) => i.path).sort()).toEqual([
        'region',
        'repositoryPrefix',
      ])
    }
  })

  it('rejects a provider that returns something else', async () => {
    registerProvider('broken', () => ({ fromBinding: () => ({}) as ArtifactRegistry }))
    expect(await codeOf(createArtifactRegistry({ platform: 'broken' }))).toBe('INTERNAL')
  })

  it('rejects a module without fromBinding as not a provider', async () => {
    registerProvider('empty', () => ({}) as never)
    expect(await codeOf(createArtifactRegistry({ platform: 'empty' }))).toBe(
      'PROVIDER_NOT_INSTALLED',
    )
  })

  it('validates registerProvider arguments with TypeError', () => {
    expect(() => registerProvider('Bad Id', () => ({}) as never)).toThrow(TypeError)
    expect(() => registerProvider('ok', 'nope' as never)).toThrow(TypeError)
  })
})

describe('importProviderPackage', () => {
  it('gives PROVIDER_NOT_INSTALLED with the exact npm i line when the package is absent', async () => {
    const pkg = '@artifact-registry/provider-not-a-real-one'
    try {
      await importProviderPackage(pkg)
      expect.unreachable()
    } catch (err) {
      expect(isArtifactRegistryError(err, 'PROVIDER_NOT_INSTALLED')).toBe(true)
      expect((err as Error).message).toContain(`npm i ${pkg}`)
    }
  })
})

describe('loadArtifactRegistry', () => {
  it('derives the environment variable from the binding name', () => {
    expect(bindingEnvVariable('artifacts')).toBe('ARTIFACT_REGISTRY_ARTIFACTS_BINDING')
    expect(bindingEnvVariable('my-images')).toBe('ARTIFACT_REGISTRY_MY_IMAGES_BINDING')
    expect(() => bindingEnvVariable('a b')).toThrowError(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    )
  })

  it('loads a binding from the environment, Alien shape included', async () => {
    registerProvider('local', () => ({ fromBinding: (b) => stubRegistry('local', b) }))
    const env = {
      ARTIFACT_REGISTRY_MY_IMAGES_BINDING: '{"service":"local","registryUrl":"127.0.0.1:5000"}',
    }
    const registry = (await loadArtifactRegistry('my-images', env)) as ReturnType<
      typeof stubRegistry
    >
    expect(registry.binding).toEqual({
      platform: 'local',
      url: 'http://127.0.0.1:5000',
      bindingName: 'my-images',
    })
  })

  it('reads ALIEN_<NAME>_BINDING when ARTIFACT_REGISTRY_<NAME>_BINDING is not set', async () => {
    registerProvider('local', () => ({ fromBinding: (b) => stubRegistry('local', b) }))
    expect(alienBindingEnvVariable('my-images')).toBe('ALIEN_MY_IMAGES_BINDING')
    const alien = '{"service":"local","registryUrl":"127.0.0.1:5001"}'
    const ours = '{"platform":"local","url":"http://127.0.0.1:5002"}'
    const bindingOf = async (env: Record<string, string>): Promise<unknown> =>
      ((await loadArtifactRegistry('my-images', env)) as ReturnType<typeof stubRegistry>).binding

    expect(await bindingOf({ ALIEN_MY_IMAGES_BINDING: alien })).toEqual({
      platform: 'local',
      url: 'http://127.0.0.1:5001',
      bindingName: 'my-images',
    })
    expect(
      await bindingOf({
        ALIEN_MY_IMAGES_BINDING: alien,
        ARTIFACT_REGISTRY_MY_IMAGES_BINDING: ours,
      }),
    ).toEqual({ platform: 'local', url: 'http://127.0.0.1:5002' })
    // A blank variable is an unset one, as a shell or a template often leaves it.
    expect(
      await bindingOf({ ALIEN_MY_IMAGES_BINDING: alien, ARTIFACT_REGISTRY_MY_IMAGES_BINDING: ' ' }),
    ).toMatchObject({ url: 'http://127.0.0.1:5001' })
  })

  it('names the variable it read in every error', async () => {
    const failure = async (env: Record<string, string>): Promise<ArtifactRegistryError> => {
      try {
        await loadArtifactRegistry('imgs', env)
      } catch (err) {
        if (isArtifactRegistryError(err, 'INVALID_CONFIG')) return err
        throw err
      }
      throw new Error('expected INVALID_CONFIG')
    }
    const missing = await failure({})
    expect(missing.message).toBe(
      '[core] ARTIFACT_REGISTRY_IMGS_BINDING is not set (nor is ALIEN_IMGS_BINDING)',
    )
    const notJson = await failure({ ALIEN_IMGS_BINDING: '{service:' })
    expect(notJson.message).toBe('[core] ALIEN_IMGS_BINDING is not valid JSON (line 1, column 2)')
    expect(notJson.issues).toEqual([
      { path: 'ALIEN_IMGS_BINDING', message: 'is not valid JSON (line 1, column 2)' },
    ])
    // The parser's SyntaxError quotes the text near the mistake: neither it nor the text is kept.
    const secret = 'hunter2-do-not-print'
    const leaky = await failure({
      ARTIFACT_REGISTRY_IMGS_BINDING: `{"platform":"local","adminCredentials":{"password":${secret}}}`,
    })
    expect(leaky.message).toBe(
      '[core] ARTIFACT_REGISTRY_IMGS_BINDING is not valid JSON (line 1, column 52)',
    )
    expect(leaky.cause).toBeUndefined()
    expect(JSON.stringify(leaky.issues) + String(leaky.cause)).not.toContain('hunter2')
    const invalid = await failure({ ALIEN_IMGS_BINDING: '{"service":"acr","registryName":"a"}' })
    expect(invalid.message).toMatch(/^\[core\] Invalid binding in ALIEN_IMGS_BINDING: /)
    expect(invalid.issues.map((i) => i.path)).toEqual(['resourceGroupName'])
    const ours = await failure({ ARTIFACT_REGISTRY_IMGS_BINDING: '{"platform":"gcp"}' })
    expect(ours.message).toMatch(
      /^\[core\] Invalid gcp binding in ARTIFACT_REGISTRY_IMGS_BINDING: /,
    )
  })

  it('fails with INVALID_CONFIG when the variable is missing or not JSON', async () => {
    expect(await codeOf(loadArtifactRegistry('absent', {}))).toBe('INVALID_CONFIG')
    expect(
      await codeOf(loadArtifactRegistry('bad', { ARTIFACT_REGISTRY_BAD_BINDING: '{platform:' })),
    ).toBe('INVALID_CONFIG')
  })
})
