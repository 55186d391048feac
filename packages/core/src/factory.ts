import type { ArtifactRegistry } from './artifact-registry.js'
import type { BindingEnv } from './binding/alien.js'
import { isBuiltinPlatform, parseBinding } from './binding/parse-binding.js'
import type { ArtifactRegistryBinding } from './binding/types.js'
import { describeValue } from './describe-value.js'
import { ArtifactRegistryError } from './errors.js'
import { describeJsonSyntaxError } from './json-syntax.js'
import { instrument } from './operation-events.js'
import { PROVIDER_PACKAGES, type ProviderLoader, type ProviderModule } from './provider-module.js'

const loaders = new Map<string, ProviderLoader>()
const modules = new Map<string, Promise<ProviderModule>>()

/**
 * Register a provider for a platform id, for third-party providers (or to replace a built-in
 * one in tests). The loader runs on first use and its module is cached.
 *
 * @example
 * ```ts
 * registerProvider('harbor', () => import('@acme/artifact-registry-harbor'))
 * const registry = await createArtifactRegistry({ platform: 'harbor', url: '…' })
 * ```
 */
export function registerProvider(platform: string, loader: ProviderLoader): void {
  if (typeof platform !== 'string' || !/^[a-z][a-z0-9-]{0,63}$/.test(platform)) {
    throw new TypeError('platform must be a lowercase id such as "harbor"')
  }
  if (typeof loader !== 'function') throw new TypeError('loader must be a function')
  loaders.set(platform, loader)
  modules.delete(platform)
}

/**
 * Create a provider from a binding: validates it, loads the provider package on first use (a
 * dynamic import, so only installed providers are ever loaded) and builds the provider, which
 * publishes debug events (see {@link instrument}).
 *
 * @throws ArtifactRegistryError `INVALID_CONFIG` naming every bad field; `PROVIDER_NOT_INSTALLED`
 *   with the `npm i` line when the provider package is missing.
 * @example
 * ```ts
 * await using registry = await createArtifactRegistry({ platform: 'local' })
 * ```
 */
export async function createArtifactRegistry(
  binding: ArtifactRegistryBinding,
): Promise<ArtifactRegistry> {
  const parsed = parseBinding(binding, { isRegistered: (p) => loaders.has(p) })
  const module = await providerModule(parsed.platform)
  const registry = await module.fromBinding(parsed)
  if (typeof registry?.createRepository !== 'function' || typeof registry.platform !== 'string') {
    throw new ArtifactRegistryError(
      'INTERNAL',
      `[core] The provider for "${parsed.platform}" returned something that is not an ArtifactRegistry`,
    )
  }
  // Built-in providers come instrumented already; third-party ones get their debug events here.
  return instrument(registry)
}

/**
 * Create a provider from the binding JSON in `ARTIFACT_REGISTRY_<NAME>_BINDING` (NAME upper-cased,
 * `-` → `_`), or in `ALIEN_<NAME>_BINDING` when that is not set. Either variable may hold our
 * binding shape or the Alien shape (`{"service": "ecr", ...}`). Errors name the variable read.
 *
 * @throws ArtifactRegistryError `INVALID_CONFIG` when neither variable is set, or the one read is
 *   not JSON or not a valid binding.
 * @example
 * ```ts
 * // ARTIFACT_REGISTRY_ARTIFACTS_BINDING='{"platform":"local","url":"http://127.0.0.1:5000"}'
 * const registry = await loadArtifactRegistry('artifacts')
 * ```
 */
export async function loadArtifactRegistry(
  bindingName: string,
  env: BindingEnv = process.env,
): Promise<ArtifactRegistry> {
  return createArtifactRegistry(loadBinding(bindingName, env).binding)
}

/**
 * The binding `loadArtifactRegistry` would build a provider from, validated, and the variable it
 * was read from: for a caller that checks the binding before building (a command refusing what
 * makes no sense for it), with the same errors.
 *
 * @throws ArtifactRegistryError `INVALID_CONFIG` as {@link loadArtifactRegistry}
 */
export function loadBinding(
  bindingName: string,
  env: BindingEnv = process.env,
): { binding: ArtifactRegistryBinding; variable: string } {
  const { variable, raw } = readBindingVariable(bindingName, env)
  let json: unknown
  try {
    json = JSON.parse(raw)
  } catch {
    // Not the SyntaxError as cause: its message quotes the text, which may hold a password.
    const problem = `is not valid JSON (${describeJsonSyntaxError(raw)})`
    throw new ArtifactRegistryError('INVALID_CONFIG', `[core] ${variable} ${problem}`, {
      issues: [{ path: variable, message: problem }],
    })
  }
  const binding = parseBinding(json, {
    bindingName,
    env,
    source: variable,
    isRegistered: (p) => loaders.has(p),
  })
  return { binding, variable }
}

/** The environment variable that holds a binding's JSON. */
export function bindingEnvVariable(bindingName: string): string {
  return `ARTIFACT_REGISTRY_${envName(bindingName)}_BINDING`
}

/** The variable Alien sets for a binding; read when {@link bindingEnvVariable} is not set. */
export function alienBindingEnvVariable(bindingName: string): string {
  return `ALIEN_${envName(bindingName)}_BINDING`
}

// --- Internal ---

function envName(bindingName: string): string {
  if (typeof bindingName !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(bindingName)) {
    // A string is quoted; any other value by its type, since String() throws on some (a symbol,
    // an object without a prototype) and the caller would get a TypeError instead of this.
    const shown = typeof bindingName === 'string' ? `"${bindingName}"` : describeValue(bindingName)
    throw new ArtifactRegistryError(
      'INVALID_ARGUMENT',
      `[core] Binding name ${shown} must be letters, digits, "-" and "_"`,
    )
  }
  return bindingName.toUpperCase().replaceAll('-', '_')
}

/** Our variable when it is set (a blank one counts as unset), else Alien's. */
function readBindingVariable(
  bindingName: string,
  env: BindingEnv,
): { variable: string; raw: string } {
  const ours = bindingEnvVariable(bindingName)
  const alien = alienBindingEnvVariable(bindingName)
  // `null` for the environment (a default parameter takes only `undefined`) is a wrong argument,
  // not a missing variable.
  if (typeof env !== 'object' || env === null) {
    throw new ArtifactRegistryError(
      'INVALID_ARGUMENT',
      `[core] The environment to read ${ours} from must be an object such as process.env, got ${describeValue(env)}`,
    )
  }
  for (const variable of [ours, alien]) {
    const raw: unknown = env[variable]
    if (raw === undefined) continue
    // A caller's own environment object may hold the binding object itself; it is not shown, as
    // it may hold a password.
    if (typeof raw !== 'string') {
      const problem = `must hold the binding as JSON text, got ${describeValue(raw)}`
      throw new ArtifactRegistryError('INVALID_CONFIG', `[core] ${variable} ${problem}`, {
        issues: [{ path: variable, message: problem }],
      })
    }
    if (raw.trim() !== '') return { variable, raw }
  }
  throw new ArtifactRegistryError('INVALID_CONFIG', `[core] ${ours} is not set (nor is ${alien})`, {
    issues: [{ path: ours, message: `is not set (nor is ${alien})` }],
  })
}

function providerModule(platform: string): Promise<ProviderModule> {
  let pending = modules.get(platform)
  if (pending === undefined) {
    pending = loadModule(platform)
    modules.set(platform, pending)
    // A failed load is not cached: installing the package and retrying must work.
    pending.catch(() => modules.delete(platform))
  }
  return pending
}

async function loadModule(platform: string): Promise<ProviderModule> {
  const registered = loaders.get(platform)
  if (registered !== undefined) return checkModule(await registered(), platform)
  if (!isBuiltinPlatform(platform)) {
    throw new ArtifactRegistryError('INVALID_CONFIG', `[core] Unknown platform "${platform}"`)
  }
  const pkg = PROVIDER_PACKAGES[platform]
  return checkModule(await importProviderPackage(pkg), platform, pkg)
}

/** @internal Import a provider package, turning "not installed" into PROVIDER_NOT_INSTALLED. */
export async function importProviderPackage(pkg: string): Promise<unknown> {
  try {
    return await import(/* @vite-ignore */ pkg)
  } catch (cause) {
    if (!isMissingPackage(cause, pkg)) throw cause
    throw new ArtifactRegistryError(
      'PROVIDER_NOT_INSTALLED',
      `[core] ${pkg} is not installed. Install it with: npm i ${pkg}`,
      { cause },
    )
  }
}

function isMissingPackage(err: unknown, pkg: string): boolean {
  if (!(err instanceof Error)) return false
  const code = (err as { code?: unknown }).code
  const notFound =
    code === 'ERR_MODULE_NOT_FOUND' ||
    code === 'MODULE_NOT_FOUND' ||
    /Cannot find (package|module)|Failed to (load|resolve)/.test(err.message)
  // A provider whose own dependency is missing must not be reported as "not installed".
  return notFound && (err.message.includes(`'${pkg}'`) || err.message.includes(`"${pkg}"`))
}

function checkModule(module: unknown, platform: string, pkg?: string): ProviderModule {
  const fromBinding = (module as Partial<ProviderModule> | null)?.fromBinding
  if (typeof fromBinding === 'function') return module as ProviderModule
  const what = pkg ?? `the provider registered for "${platform}"`
  throw new ArtifactRegistryError(
    'PROVIDER_NOT_INSTALLED',
    `[core] ${what} does not export fromBinding(): it is not a provider for "${platform}" or it is an unfinished version`,
  )
}
