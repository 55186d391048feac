import {
  chmod,
  chown,
  copyFile,
  lstat,
  mkdir,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { CREDENTIALS_NOT_FOUND } from '../src/credential-helper/helper.js'
import { READ_ONLY } from '../src/credential-helper/run.js'
import { temporaryFileFor } from '../src/private-file.js'
import { cli, HELPER, type RunOptions, run } from './support/command.js'
import { boundRegistryForFile } from './support/registry.js'
import { tagListStatus, uploadStartStatus } from './support/registry-access.js'

const { dir: workDir, bound } = await boundRegistryForFile('cli-helper-')
await cli(['repo', 'create', 'app', '--binding-file', bound.bindingFile])

let round = 0
let home: string
let configFile: string
let cache: string
beforeEach(async () => {
  round += 1
  home = join(workDir, `home-${round}`)
  cache = join(home, 'cache')
  configFile = join(home, 'helper.json')
  await mkdir(home, { recursive: true })
  await writeConfig({
    bindingFile: bound.bindingFile,
    repository: 'artifacts/app',
    permission: 'push-pull',
  })
})

async function writeConfig(entry: object, path = configFile): Promise<void> {
  await writeFile(path, JSON.stringify({ registries: { [bound.host]: entry } }))
}

/** `docker-credential-artifact-registry action` with `input` on stdin, as docker runs it. */
function helper(action: string, input = '', options: RunOptions = {}) {
  return run(HELPER, [action], {
    input,
    ...options,
    env: {
      HOME: home,
      XDG_CACHE_HOME: cache,
      ARTIFACT_REGISTRY_HELPER_CONFIG: configFile,
      ...options.env,
    },
  })
}

async function get(
  serverUrl = bound.host,
  env: Record<string, string> = {},
): Promise<{ ServerURL: string; Username: string; Secret: string }> {
  const result = await helper('get', serverUrl, { env })
  expect(result, result.stdout).toMatchObject({ status: 0, stderr: '' })
  return JSON.parse(result.stdout)
}

const tagsStatus = (username: string, password: string) =>
  tagListStatus(bound.registry.url, 'artifacts/app', username, password)

/** The status of starting a blob upload to artifacts/app: 202 only for push credentials. */
const uploadStatus = (username: string, password: string) =>
  uploadStartStatus(bound.registry.url, 'artifacts/app', username, password)

const cacheDir = () => join(cache, 'artifact-registry', 'credential-helper')

async function cacheFiles(): Promise<string[]> {
  return (await readdir(cacheDir())).map((name) => join(cacheDir(), name))
}

describe('the credential helper protocol', () => {
  it('get prints { ServerURL, Username, Secret } for the configured host: working credentials', async () => {
    const credentials = await get(`${bound.host}\n`)
    expect(Object.keys(credentials)).toEqual(['ServerURL', 'Username', 'Secret'])
    expect(credentials.ServerURL).toBe(bound.host)
    expect(await tagsStatus(credentials.Username, credentials.Secret)).toBe(200)
  })

  it('get of an unknown host: "credentials not found in native keychain" on stdout, exit 1', async () => {
    const result = await helper('get', 'registry.example.com')
    expect(result).toEqual({ status: 1, stdout: `${CREDENTIALS_NOT_FOUND}\n`, stderr: '' })
    expect(await helper('get', '')).toEqual({
      status: 1,
      stdout: 'no credentials server URL\n',
      stderr: '',
    })
  })

  it('get names the host as docker may: with a scheme, a path, another case', async () => {
    const credentials = await get(`http://${bound.host.toUpperCase()}/v2/`)
    expect(credentials.ServerURL).toBe(`http://${bound.host.toUpperCase()}/v2/`)
    expect(await tagsStatus(credentials.Username, credentials.Secret)).toBe(200)
  })

  it('caches minted credentials in a 0600 file in a 0700 directory, and hands them out again', async () => {
    const first = await get()
    const second = await get()
    expect(second.Username).toBe(first.Username)
    const [file, ...others] = await cacheFiles()
    expect(others).toEqual([])
    expect((await stat(file ?? '')).mode & 0o777).toBe(0o600)
    expect((await stat(join(cache, 'artifact-registry', 'credential-helper'))).mode & 0o777).toBe(
      0o700,
    )
  })

  it('a relative XDG_CACHE_HOME is ignored: one cache under ~/.cache, nothing in the working directory', async () => {
    const projects = [join(home, 'project-a'), join(home, 'project-b')]
    const usernames: string[] = []
    for (const cwd of projects) {
      await mkdir(cwd)
      const result = await helper('get', bound.host, { cwd, env: { XDG_CACHE_HOME: 'rel-cache' } })
      expect(result, result.stdout).toMatchObject({ status: 0, stderr: '' })
      usernames.push(JSON.parse(result.stdout).Username)
      expect(await readdir(cwd)).toEqual([])
    }
    // Both runs share the one cache, as `revoke` run from anywhere finds it.
    expect(usernames[1]).toBe(usernames[0])
    const cached = await readdir(join(home, '.cache', 'artifact-registry', 'credential-helper'))
    expect(cached).toHaveLength(1)
  })

  it('expired cached credentials are never handed out, whatever the reuse limit beside them says', async () => {
    const first = await get()
    const [file = ''] = await cacheFiles()
    const cached = JSON.parse(await readFile(file, 'utf8'))
    // A reuse limit past the expiry: a file damaged, or written while the clock ran ahead.
    const expired = {
      ...cached,
      expiresAt: new Date(Date.now() - 1000).toISOString(),
      reuseUntil: new Date(Date.now() + 3_600_000).toISOString(),
    }
    await writeFile(file, JSON.stringify(expired), { mode: 0o600 })
    expect((await get()).Username).not.toBe(first.Username)
  })

  // Only the group's bits (0o640) is a file other users of the group could have read or written.
  it.each([
    ['others', 0o644],
    ['its group', 0o640],
  ])('a cache file %s can read is never trusted: new credentials are minted', async (_, mode) => {
    const first = await get()
    const [file = ''] = await cacheFiles()
    await chmod(file, mode)
    expect((await get()).Username).not.toBe(first.Username)
    expect((await stat(file)).mode & 0o777).toBe(0o600)
  })

  it('credentials close to expiry are minted again (a 2 s credential is reused for 1 s)', async () => {
    await writeConfig({
      bindingFile: bound.bindingFile,
      repository: 'artifacts/app',
      permission: 'pull',
      ttlSeconds: 2,
    })
    const first = await get()
    await new Promise((resolve) => setTimeout(resolve, 1100))
    expect((await get()).Username).not.toBe(first.Username)
  })

  it('a ttlSeconds beyond 2^53 is a whole number: the platform clamps it, the entry is not refused', async () => {
    await writeConfig({
      bindingFile: bound.bindingFile,
      repository: 'artifacts/app',
      permission: 'pull',
      ttlSeconds: 1e20,
    })
    const { Username } = await get()
    expect(Username).toMatch(/^cred-/)
  })

  it('another entry for the host (repository, permission) never gets the old credentials', async () => {
    const pushPull = await get()
    await writeConfig({
      bindingFile: bound.bindingFile,
      repository: 'artifacts/app',
      permission: 'pull',
    })
    expect((await get()).Username).not.toBe(pushPull.Username)
  })

  it("get mints for the entry's permission, no more: a pull entry's credentials cannot push", async () => {
    const pullEntry = { bindingFile: bound.bindingFile, repository: 'artifacts/app' }
    await writeConfig({ ...pullEntry, permission: 'pull' })
    const pull = await get()
    expect(await tagsStatus(pull.Username, pull.Secret)).toBe(200)
    expect(await uploadStatus(pull.Username, pull.Secret)).toBe(403)
    await writeConfig({ ...pullEntry, permission: 'push-pull' })
    const pushPull = await get()
    expect(await uploadStatus(pushPull.Username, pushPull.Secret)).toBe(202)
  })

  it('list maps every configured host to the username of its cached credentials', async () => {
    expect(JSON.parse((await helper('list')).stdout)).toEqual({ [bound.host]: '' })
    const { Username } = await get()
    expect(JSON.parse((await helper('list')).stdout)).toEqual({ [bound.host]: Username })
  })

  it('erase forgets the cached credentials, so the next get mints new ones', async () => {
    const first = await get()
    expect(await helper('erase', bound.host)).toEqual({ status: 0, stdout: '', stderr: '' })
    expect(await cacheFiles()).toEqual([])
    expect((await get()).Username).not.toBe(first.Username)
  })

  it("erase also forgets what a crash mid-write left behind, and no other host's files", async () => {
    await get()
    const [file = ''] = await cacheFiles()
    // A helper killed between writing and renaming leaves the secret under this name.
    const leftover = temporaryFileFor(file)
    await copyFile(file, leftover)
    const otherHost = join(cacheDir(), '0123456789abcdef-0123456789abcdef0123456789abcdef.json')
    const otherLeftover = temporaryFileFor(otherHost)
    await writeFile(otherLeftover, '{}', { mode: 0o600 })
    expect(await helper('erase', bound.host)).toEqual({ status: 0, stdout: '', stderr: '' })
    expect(await cacheFiles()).toEqual([otherLeftover])
  })

  it('erase names the host as get does: with a scheme, a path, another case', async () => {
    await get()
    const named = `https://${bound.host.toUpperCase()}/v2/`
    expect(await helper('erase', named)).toEqual({ status: 0, stdout: '', stderr: '' })
    expect(await cacheFiles()).toEqual([])
  })

  it('erase forgets the cached credentials of a host no longer in the config, or with no config left', async () => {
    await get()
    // The entry removed (the helper no longer used for the host), then `docker logout` of it.
    await writeFile(configFile, JSON.stringify({ registries: {} }))
    expect(await helper('erase', bound.host)).toEqual({
      status: 1,
      stdout: `${CREDENTIALS_NOT_FOUND}\n`,
      stderr: '',
    })
    expect(await cacheFiles()).toEqual([])
    await writeConfig({
      bindingFile: bound.bindingFile,
      repository: 'artifacts/app',
      permission: 'pull',
    })
    await get()
    await rm(configFile)
    expect(await helper('erase', bound.host)).toMatchObject({ status: 1 })
    expect(await cacheFiles()).toEqual([])
  })

  it('store is refused: the helper is read-only', async () => {
    const payload = JSON.stringify({ ServerURL: bound.host, Username: 'u', Secret: 's' })
    expect(await helper('store', payload)).toEqual({
      status: 1,
      stdout: `${READ_ONLY}\n`,
      stderr: '',
    })
  })

  it('version and an unknown action', async () => {
    expect((await helper('version')).stdout).toMatch(
      /^docker-credential-artifact-registry \(@artifact-registry\/cli\) \d+\.\d+\.\d+\n$/,
    )
    expect((await helper('bogus')).status).toBe(1)
  })

  it('help, as asked for, exits 0; no action at all is a failure (exit 1)', async () => {
    const asked = await helper('help')
    expect(asked.status).toBe(0)
    expect(asked.stdout).toMatch(/^Usage: docker-credential-artifact-registry /)
    expect((await run(HELPER, [])).status).toBe(1)
  })

  it('reads ~/.config/artifact-registry/credential-helper.json when the variable is unset', async () => {
    const defaultConfig = join(home, '.config', 'artifact-registry', 'credential-helper.json')
    await mkdir(join(defaultConfig, '..'), { recursive: true })
    await writeConfig(
      { bindingFile: bound.bindingFile, repository: 'artifacts/app', permission: 'pull' },
      defaultConfig,
    )
    const result = await helper('get', bound.host, {
      env: { ARTIFACT_REGISTRY_HELPER_CONFIG: undefined },
    })
    expect(result.status).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({ ServerURL: bound.host })
  })

  it('refuses a relative ARTIFACT_REGISTRY_HELPER_CONFIG rather than read it from the working directory', async () => {
    await writeConfig({
      bindingFile: bound.bindingFile,
      repository: 'artifacts/app',
      permission: 'pull',
    })
    // docker starts the helper wherever docker was started: the config there is whoever's.
    const result = await helper('get', bound.host, {
      cwd: dirname(configFile),
      env: { ARTIFACT_REGISTRY_HELPER_CONFIG: basename(configFile) },
    })
    // A helper's error goes to stdout, where docker reads it.
    expect(result.status).toBe(1)
    expect(result.stdout).toContain('must be an absolute path')
    expect(result.stdout).not.toContain('Secret')
  })

  it('a relative bindingFile is relative to the config file, not to the working directory', async () => {
    await writeConfig({
      bindingFile: '../binding.json',
      repository: 'artifacts/app',
      permission: 'pull',
    })
    // Run from / : only the config file's directory can make ../binding.json the binding.
    const result = await helper('get', bound.host, { cwd: '/' })
    expect(result.status, result.stdout).toBe(0)
    const { Username, Secret } = JSON.parse(result.stdout)
    expect(await tagsStatus(Username, Secret)).toBe(200)
  })

  it('a config with bad fields says which, by path', async () => {
    await writeFile(
      configFile,
      JSON.stringify({
        registries: {
          [bound.host]: { binding: 'a', bindingFile: 'b.json', permission: 'admin', ttlSeconds: 0 },
          'https://x.example/v2': { bindingFile: 'b.json', repository: 'r', permission: 'pull' },
        },
        extra: true,
      }),
    )
    const result = await helper('get', bound.host)
    expect(result.status).toBe(1)
    for (const problem of [
      `registries.${bound.host}: needs binding (a name) or bindingFile (a path), one of them`,
      `registries.${bound.host}.repository: must be the routable name of a repository`,
      `registries.${bound.host}.permission: must be "pull" or "push-pull"`,
      `registries.${bound.host}.ttlSeconds: must be a whole number of seconds, 1 or more`,
      'registries.https://x.example/v2: must be a registry host',
      'extra: is not a field of the config',
    ]) {
      expect(result.stdout).toContain(problem)
    }
    await writeFile(configFile, '{ not json')
    expect((await helper('get', bound.host)).stdout).toBe(
      `Invalid credential helper config ${configFile}: is not valid JSON (line 1, column 3)\n`,
    )
  })

  it('a local binding with neither url nor dataDir is refused: its registry would vanish with the helper', async () => {
    const inMemory = join(home, 'in-memory.json')
    await writeFile(inMemory, JSON.stringify({ platform: 'local' }))
    await writeConfig({ bindingFile: inMemory, repository: 'artifacts/app', permission: 'pull' })
    const fromFile = await helper('get', bound.host)
    expect(fromFile.status).toBe(1)
    expect(fromFile.stdout).toContain(
      `The local binding in binding file ${inMemory} has neither url nor dataDir`,
    )
    await writeConfig({ binding: 'memory', repository: 'artifacts/app', permission: 'pull' })
    const fromVariable = await helper('get', bound.host, {
      env: { ARTIFACT_REGISTRY_MEMORY_BINDING: JSON.stringify({ platform: 'local' }) },
    })
    expect(fromVariable.status).toBe(1)
    expect(fromVariable.stdout).toContain(
      'ARTIFACT_REGISTRY_MEMORY_BINDING has neither url nor dataDir',
    )
    // Nothing was minted, so nothing was cached for docker to be handed later.
    await expect(readdir(cacheDir())).resolves.toEqual([])
  })

  it('two entries for one host (keys that differ only in case) are refused, not one silently used', async () => {
    const upper = bound.host.replace('127.0.0.1', 'LOCALHOST')
    const lower = upper.toLowerCase()
    const pull = { bindingFile: bound.bindingFile, repository: 'artifacts/app', permission: 'pull' }
    await writeFile(
      configFile,
      JSON.stringify({
        registries: { [lower]: pull, [upper]: { ...pull, permission: 'push-pull' } },
      }),
    )
    // Before, the later key replaced the earlier: `get` minted push-pull for a host also set to pull.
    const result = await helper('get', lower)
    expect(result).toMatchObject({ status: 1, stderr: '' })
    expect(result.stdout).toContain(
      `registries.${upper}: is the same host as registries.${lower} (hosts are not case-sensitive)`,
    )
  })

  it('a key written twice (a host, a field of its entry) is refused, not the last one silently used', async () => {
    const file = JSON.stringify(bound.bindingFile)
    const pull = `"bindingFile": ${file}, "repository": "artifacts/app", "permission": "pull"`
    // JSON.parse keeps the last of two equal keys: whoever reads the file sees the first, pull,
    // while get minted push-pull. An escape (\\u0069 is i) spells the same key.
    await writeFile(
      configFile,
      `{ "registries": { "${bound.host}": { ${pull} }, "${bound.host}": { ${pull}, "perm\\u0069ssion": "push-pull" } } }`,
    )
    const result = await helper('get', bound.host)
    expect(result).toMatchObject({ status: 1, stderr: '' })
    expect(result.stdout).toContain(`registries.${bound.host}: is given more than once`)
    expect(result.stdout).toContain(`registries.${bound.host}.permission: is given more than once`)
    await expect(readdir(cacheDir())).rejects.toThrow('ENOENT')
  })

  it('a config every local user can write is refused before minting: it decides where credentials go', async () => {
    await chmod(configFile, 0o666)
    const refused = await helper('get', bound.host)
    expect(refused).toMatchObject({ status: 1, stderr: '' })
    expect(refused.stdout).toContain('can be written by every local user: chmod o-w it')
    await expect(readdir(cacheDir())).rejects.toThrow('ENOENT')
    // Group write alone is what a umask of 002 gives every file: not refused.
    await chmod(configFile, 0o664)
    expect((await helper('get', bound.host)).status).toBe(0)
  })

  it('a binding of another registry than the host is refused before minting: docker would send them there', async () => {
    const other = bound.host.replace('127.0.0.1', 'localhost')
    const pull = { bindingFile: bound.bindingFile, repository: 'artifacts/app', permission: 'pull' }
    await writeFile(configFile, JSON.stringify({ registries: { [other]: pull } }))
    const refused = await helper('get', other)
    expect(refused).toMatchObject({ status: 1, stderr: '' })
    expect(refused.stdout).toContain(
      `registries.${other}: the binding mints credentials for ${bound.host}, not ${other}:`,
    )
    expect(refused.stdout).toContain(`"registryHost": "${bound.host}"`)
    await expect(readdir(cacheDir())).resolves.toEqual([])
    // Said to be another name of that registry, it is handed them.
    await writeFile(
      configFile,
      JSON.stringify({ registries: { [other]: { ...pull, registryHost: bound.host } } }),
    )
    const credentials = await get(other)
    expect(await tagsStatus(credentials.Username, credentials.Secret)).toBe(200)
    // And a registryHost that is not the binding's is refused as well.
    await writeFile(
      configFile,
      JSON.stringify({ registries: { [other]: { ...pull, registryHost: 'registry.example' } } }),
    )
    const wrong = await helper('get', other)
    expect(wrong.status).toBe(1)
    expect(wrong.stdout).toContain(
      `the binding mints credentials for ${bound.host}, not registry.example (its registryHost)`,
    )
  })

  it('a binding of the same address on another port is refused: another registry, not another name of it', async () => {
    const [address = '', port = ''] = bound.host.split(':')
    const other = `${address}:${Number(port) === 65535 ? 65534 : Number(port) + 1}`
    const pull = { bindingFile: bound.bindingFile, repository: 'artifacts/app', permission: 'pull' }
    await writeFile(configFile, JSON.stringify({ registries: { [other]: pull } }))
    const refused = await helper('get', other)
    expect(refused).toMatchObject({ status: 1, stderr: '' })
    expect(refused.stdout).toContain(
      `registries.${other}: the binding mints credentials for ${bound.host}, not ${other}:`,
    )
    await expect(readdir(cacheDir())).resolves.toEqual([])
  })

  it('cached credentials of another registry than the host are not handed out: new ones are minted', async () => {
    const first = await get()
    const [file = ''] = await cacheFiles()
    const held = JSON.parse(await readFile(file, 'utf8'))
    await writeFile(file, JSON.stringify({ ...held, registry: 'registry.example' }), {
      mode: 0o600,
    })
    const second = await get()
    expect(second.Username).not.toBe(first.Username)
    expect(await tagsStatus(second.Username, second.Secret)).toBe(200)
  })

  it('a field an entry does not have (a misspelt ttlSeconds) is refused by path, before minting', async () => {
    // Ignored, `ttl` left the platform's default lifetime on credentials meant to be short-lived.
    await writeConfig({
      bindingFile: bound.bindingFile,
      repository: 'artifacts/app',
      permission: 'pull',
      ttl: 60,
    })
    const result = await helper('get', bound.host)
    expect(result).toMatchObject({ status: 1, stderr: '' })
    expect(result.stdout).toContain(
      `registries.${bound.host}.ttl: is not a field of a registry entry`,
    )
    await expect(readdir(cacheDir())).rejects.toThrow('ENOENT')
  })

  it('a registryHost that is no host is refused by path', async () => {
    await writeConfig({
      bindingFile: bound.bindingFile,
      repository: 'artifacts/app',
      permission: 'pull',
      registryHost: 'https://registry.example/v2',
    })
    const result = await helper('get', bound.host)
    expect(result.status).toBe(1)
    expect(result.stdout).toContain(
      `registries.${bound.host}.registryHost: must be a registry host`,
    )
  })

  it('never prints the secret anywhere but in get’s answer', async () => {
    const { Secret } = await get()
    const listed = await helper('list')
    expect(listed.stdout + listed.stderr).not.toContain(Secret)
    const config = await readFile(configFile, 'utf8')
    expect(config).not.toContain(Secret)
  })
})

describe('the cache key: the binding read and the identity, not only the config entry', () => {
  const entry = { repository: 'artifacts/app', permission: 'push-pull' }

  it('a binding file changed in place (rotated roles, another password) never gets the old credentials', async () => {
    const copy = join(home, 'binding.json')
    const binding = JSON.parse(await readFile(bound.bindingFile, 'utf8'))
    await writeFile(copy, JSON.stringify(binding), { mode: 0o600 })
    await writeConfig({ bindingFile: copy, ...entry })
    const first = await get()
    expect((await get()).Username).toBe(first.Username)
    // The same path and registry, other text: the helper cannot know what changed, so it mints.
    await writeFile(copy, JSON.stringify(binding, null, 2))
    expect((await get()).Username).not.toBe(first.Username)
  })

  it.each(['ARTIFACT_REGISTRY_HELPER_BINDING', 'ALIEN_HELPER_BINDING'])(
    'a binding variable (%s) that changes never gets the old credentials',
    async (variable) => {
      await writeConfig({ binding: 'helper', ...entry })
      const binding = JSON.parse(await readFile(bound.bindingFile, 'utf8'))
      const one = { [variable]: JSON.stringify(binding) }
      const first = await get(bound.host, one)
      expect((await get(bound.host, one)).Username).toBe(first.Username)
      const other = { [variable]: JSON.stringify(binding, null, 1) }
      expect((await get(bound.host, other)).Username).not.toBe(first.Username)
    },
  )

  it('a binding file whose admin password is a placeholder: another value, or none, never gets the old credentials', async () => {
    // The text stays the same; the variable holds the password that mints. A run without it (or
    // with another) must not be handed what a run with the registry's admin password minted.
    const binding = JSON.parse(await readFile(bound.bindingFile, 'utf8'))
    const password: string = binding.adminCredentials.password
    const copy = join(home, 'placeholder-binding.json')
    const placeholder = { ...binding, adminCredentials: { ...binding.adminCredentials } }
    placeholder.adminCredentials.password = '$' + '{HELPER_ADMIN_PASSWORD}'
    await writeFile(copy, JSON.stringify(placeholder), { mode: 0o600 })
    await writeConfig({ bindingFile: copy, ...entry })
    const first = await get(bound.host, { HELPER_ADMIN_PASSWORD: password })
    expect((await get(bound.host, { HELPER_ADMIN_PASSWORD: password })).Username).toBe(
      first.Username,
    )
    const unset = await helper('get', bound.host)
    expect(unset.status).toBe(1)
    expect(unset.stdout).toContain('names HELPER_ADMIN_PASSWORD, which is not set')
    expect(unset.stdout).not.toContain(first.Username)
    const wrong = await helper('get', bound.host, {
      env: { HELPER_ADMIN_PASSWORD: 'not-the-password' },
    })
    expect(wrong.status).toBe(1)
    expect(wrong.stdout).not.toContain(first.Username)
    expect(wrong.stdout).not.toContain('not-the-password')
  })

  it('another identity (AWS_PROFILE, GOOGLE_APPLICATION_CREDENTIALS, AZURE_CLIENT_ID) never gets the old credentials; erase forgets all', async () => {
    const first = await get(bound.host, { AWS_PROFILE: 'ci-a' })
    expect((await get(bound.host, { AWS_PROFILE: 'ci-a' })).Username).toBe(first.Username)
    const seen = new Set([first.Username])
    const identities: Record<string, string>[] = [
      { AWS_PROFILE: 'ci-b' },
      { AWS_PROFILE: 'ci-a', GOOGLE_APPLICATION_CREDENTIALS: join(home, 'sa.json') },
      { AWS_PROFILE: 'ci-a', AZURE_CLIENT_ID: '00000000-0000-0000-0000-000000000001' },
    ]
    for (const identity of identities) {
      const { Username } = await get(bound.host, identity)
      expect(seen.has(Username), JSON.stringify(identity)).toBe(false)
      seen.add(Username)
    }
    // A variable that chooses no identity shares the cache.
    expect((await get(bound.host, { AWS_PROFILE: 'ci-a', LANG: 'C' })).Username).toBe(
      first.Username,
    )
    expect(await cacheFiles()).toHaveLength(4)
    expect(await helper('erase', bound.host)).toMatchObject({ status: 0 })
    expect(await cacheFiles()).toEqual([])
  })
})

describe('the cache is trusted only while private to this user', () => {
  it('a cache directory of ours that others may enter is narrowed to 0700', async () => {
    await mkdir(cacheDir(), { recursive: true })
    await chmod(cacheDir(), 0o755)
    await get()
    expect((await stat(cacheDir())).mode & 0o777).toBe(0o700)
  })

  it('a cache directory that is a symbolic link is refused, and nothing is written through it', async () => {
    const elsewhere = join(home, 'elsewhere')
    await mkdir(elsewhere, { mode: 0o700 })
    await mkdir(join(cacheDir(), '..'), { recursive: true })
    await symlink(elsewhere, cacheDir())
    expect(await helper('get', bound.host)).toEqual({
      status: 1,
      stdout: `The credential cache ${cacheDir()} is a symbolic link or not a directory: remove it (it is made again, private) or set XDG_CACHE_HOME\n`,
      stderr: '',
    })
    expect(await readdir(elsewhere)).toEqual([])
  })

  it.skipIf(process.getuid?.() !== 0)(
    'a cache directory of another user is refused (run as root: it makes one)',
    async () => {
      await mkdir(cacheDir(), { recursive: true, mode: 0o700 })
      await chown(cacheDir(), 4242, 4242)
      const result = await helper('get', bound.host)
      expect(result.status).toBe(1)
      expect(result.stdout).toContain(`${cacheDir()} belongs to another user (uid 4242)`)
    },
  )

  it.skipIf(process.getuid?.() !== 0)(
    'a cache file of another user is never trusted, private as it is (run as root: it makes one)',
    async () => {
      const first = await get()
      const [file = ''] = await cacheFiles()
      // 0600 still, but whoever owns it wrote what it says.
      await chown(file, 4242, 4242)
      const second = await get()
      expect(second.Username).not.toBe(first.Username)
      expect((await stat(file)).uid).toBe(process.getuid?.())
    },
  )

  it('a cache file that is a symbolic link is never followed: new credentials replace the link', async () => {
    const first = await get()
    const [file = ''] = await cacheFiles()
    const later = new Date(Date.now() + 3_600_000).toISOString()
    const planted = join(home, 'planted.json')
    // Whole and private to this user: only the link itself can make the helper refuse it.
    const plantedText = JSON.stringify({
      username: 'planted',
      secret: 'planted',
      registry: bound.host,
      repository: 'artifacts/app',
      expiresAt: later,
      reuseUntil: later,
    })
    await writeFile(planted, plantedText, { mode: 0o600 })
    await rm(file)
    await symlink(planted, file)
    const second = await get()
    expect(second.Username).not.toBe('planted')
    expect(second.Username).not.toBe(first.Username)
    expect((await lstat(file)).isSymbolicLink()).toBe(false)
    expect(await readFile(planted, 'utf8')).toBe(plantedText)
  })
})
