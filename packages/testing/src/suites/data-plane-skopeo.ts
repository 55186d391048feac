import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ArtifactRegistryCredentials } from '@artifact-registry/core'
import type { DataPlaneOptions } from '../types.js'
import { layoutManifestDigest, type TestImage, writeUniqueImage } from './data-plane-image.js'
import { refuseOffMachineUnderGuard } from './off-machine-host.js'

/** skopeo ran and exited with an error; `output` is what it printed. */
export class SkopeoFailure extends Error {
  readonly output: string
  constructor(command: string, exit: string, output: string) {
    super(`skopeo ${command} failed (${exit}): ${output.trim()}`)
    this.name = 'SkopeoFailure'
    this.output = output
  }
}

/** Where the direction of a copy puts its TLS flags: `--src-…`, `--dest-…`, or none. */
type FlagPrefix = '' | 'src-' | 'dest-'

/**
 * skopeo confined to a private temp directory: its own trust policy, registries.conf, home and
 * auth files, so neither the machine's configuration nor a stored login changes what a test
 * sees. Passwords only ever go into auth files (mode 0600 in a 0700 directory), never onto a
 * command line, where other users of the machine could read them.
 */
export class SkopeoSession {
  readonly #dir: string
  readonly #dataPlane: DataPlaneOptions
  readonly #timeoutMs: number
  readonly #certDir: string | undefined
  #files = 0

  private constructor(
    dir: string,
    dataPlane: DataPlaneOptions,
    timeoutMs: number,
    certDir?: string,
  ) {
    this.#dir = dir
    this.#dataPlane = dataPlane
    this.#timeoutMs = timeoutMs
    this.#certDir = certDir
  }

  /** A session in a fresh temp directory; `close` removes it. */
  static async open(dataPlane: DataPlaneOptions, timeoutMs: number): Promise<SkopeoSession> {
    // mkdtemp makes the directory 0700: only this user can read the auth files in it.
    const dir = await mkdtemp(join(tmpdir(), 'artifact-registry-data-plane-'))
    await writeFile(join(dir, 'policy.json'), '{"default":[{"type":"insecureAcceptAnything"}]}')
    await writeFile(join(dir, 'registries.conf'), '')
    let certDir: string | undefined
    if (dataPlane.caCertificate !== undefined) {
      certDir = join(dir, 'certs')
      await mkdir(certDir)
      // skopeo trusts every *.crt in --cert-dir as a CA.
      await writeFile(join(certDir, 'ca.crt'), dataPlane.caCertificate)
    }
    return new SkopeoSession(dir, dataPlane, timeoutMs, certDir)
  }

  /** A new image with random content, as an OCI layout in this session's directory. */
  newImage(): Promise<TestImage> {
    return writeUniqueImage(this.nextPath('image'))
  }

  /** A client that logs in with `credentials` (through an auth file of its own). */
  async login(credentials: ArtifactRegistryCredentials): Promise<SkopeoLogin> {
    if (credentials.authMethod !== 'basic') {
      throw new Error(
        'the data plane group needs basic credentials: skopeo takes a bearer token only on its ' +
          'command line (--registry-token), where other users of the machine could read it',
      )
    }
    refuseOffMachineUnderGuard(credentials.registry)
    const authFile = `${this.nextPath('auth')}.json`
    const auth = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')
    const content = JSON.stringify({ auths: { [credentials.registry]: { auth } } })
    await writeFile(authFile, content, { mode: 0o600, flag: 'wx' })
    return new SkopeoLogin(this, authFile, credentials.registry)
  }

  /** Remove the directory and every auth file, image and certificate in it. */
  close(): Promise<void> {
    return rm(this.#dir, { recursive: true, force: true })
  }

  /** @internal The TLS flags for the registry, for one direction of a copy or for a command. */
  tlsFlags(prefix: FlagPrefix): string[] {
    if (this.#dataPlane.tls === false) return [`--${prefix}tls-verify=false`]
    const flags = [`--${prefix}tls-verify=true`]
    if (this.#certDir !== undefined) flags.push(`--${prefix}cert-dir`, this.#certDir)
    return flags
  }

  /** @internal A path in the session's directory that no other call got. */
  nextPath(kind: string): string {
    this.#files += 1
    return join(this.#dir, `${kind}-${this.#files}`)
  }

  /** @internal Run skopeo with the session's policy and environment. */
  run(command: string, args: readonly string[], authFile: string): Promise<string> {
    const dir = this.#dir
    const env = {
      ...process.env,
      HOME: dir,
      XDG_CONFIG_HOME: dir,
      XDG_DATA_HOME: dir,
      XDG_RUNTIME_DIR: dir,
      DOCKER_CONFIG: dir,
      CONTAINERS_REGISTRIES_CONF: join(dir, 'registries.conf'),
      REGISTRY_AUTH_FILE: authFile,
    }
    const argv = ['--policy', join(dir, 'policy.json'), command, '--authfile', authFile, ...args]
    return runSkopeo(command, argv, env, this.#timeoutMs)
  }
}

/** A manifest digest, as a pull may name an image by instead of its tag. */
const DIGEST = /^sha256:[a-f0-9]{64}$/

/** skopeo logged in with one credential. */
export class SkopeoLogin {
  readonly #session: SkopeoSession
  readonly #authFile: string
  readonly #registry: string

  /** @internal Use {@link SkopeoSession.login}. */
  constructor(session: SkopeoSession, authFile: string, registry: string) {
    this.#session = session
    this.#authFile = authFile
    this.#registry = registry
  }

  /** Push `image` to `repository` under its tag; resolves to the digest the registry stored. */
  async push(image: TestImage, repository: string): Promise<string> {
    const digestFile = this.#session.nextPath('digest')
    await this.#session.run(
      'copy',
      [
        // Fail rather than let skopeo rewrite the manifest: the digest is what the test checks.
        '--preserve-digests',
        '--digestfile',
        digestFile,
        ...this.#session.tlsFlags('dest-'),
        image.layout,
        `docker://${this.#reference(repository, image.tag)}`,
      ],
      this.#authFile,
    )
    return (await readFile(digestFile, 'utf8')).trim()
  }

  /**
   * Pull `repository:tag`, or `repository@digest` for a `sha256:` digest, into a new layout;
   * resolves to the digest of the pulled manifest.
   */
  async pull(repository: string, tagOrDigest: string): Promise<string> {
    const dir = this.#session.nextPath('pulled')
    // A layout names its image by a tag; a digest is no tag.
    const refName = DIGEST.test(tagOrDigest) ? 'pulled' : tagOrDigest
    await this.#session.run(
      'copy',
      [
        '--preserve-digests',
        ...this.#session.tlsFlags('src-'),
        `docker://${this.#reference(repository, tagOrDigest)}`,
        `oci:${dir}:${refName}`,
      ],
      this.#authFile,
    )
    return layoutManifestDigest(dir, refName)
  }

  /** Delete the manifest that `repository:tag` names. */
  async delete(repository: string, tag: string): Promise<void> {
    await this.#session.run(
      'delete',
      [...this.#session.tlsFlags(''), `docker://${this.#reference(repository, tag)}`],
      this.#authFile,
    )
  }

  #reference(repository: string, tagOrDigest: string): string {
    const separator = DIGEST.test(tagOrDigest) ? '@' : ':'
    return `${this.#registry}/${repository}${separator}${tagOrDigest}`
  }
}

function runSkopeo(
  command: string,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('skopeo', argv, {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
    })
    const output: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk))
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') {
        reject(
          new Error(
            'the data plane group needs skopeo on PATH (CI installs it; see the README of ' +
              '@artifact-registry/testing): it was not found',
          ),
        )
      } else reject(error)
    })
    child.on('close', (code, signal) => {
      const text = Buffer.concat(output).toString('utf8')
      if (code === 0) return resolve(text)
      const exit = signal ? `killed by ${signal} after at most ${timeoutMs} ms` : `exit ${code}`
      reject(new SkopeoFailure(command, exit, text))
    })
  })
}
