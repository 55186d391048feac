import { execFile, execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from './repo-root.js'

const run = promisify(execFile)
const read = (path: string): string => readFileSync(join(REPO_ROOT, path), 'utf8')
const BUILD_SCRIPT = 'tools/registry-image/build.sh'

/** The tag build.sh builds when `REGISTRY_IMAGE` is not set. */
function builtTag(script: string): string | undefined {
  return /^image="\$\{REGISTRY_IMAGE:-([^}]+)\}"$/m.exec(script)?.[1]
}

/** The `registry` image `FROM` line of the e2e suite's image list. */
function e2eTag(dockerfile: string): string | undefined {
  return /^FROM\s+(registry[:@]\S+)\s*$/m.exec(dockerfile)?.[1]
}

/** Whether a Docker engine answers here. */
function dockerAnswers(): boolean {
  try {
    execFileSync('docker', ['version', '--format', '{{.Server.Version}}'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

// The e2e suite never pulls its image; CI builds it offline. A floating tag, or a build script
// and an e2e pin that name different tags, would test against whatever happens to be present.
describe('the registry image e2e runs', () => {
  const tag = builtTag(read(BUILD_SCRIPT))

  it('is the exact tag the offline build script builds', () => {
    expect(tag).toMatch(/^registry:\d+\.\d+\.\d+$/)
    expect(e2eTag(read('e2e/images.Dockerfile'))).toBe(tag)
  })

  it('is the tag the e2e and build docs tell people to pull or build', () => {
    for (const doc of ['e2e/README.md', 'tools/registry-image/README.md']) {
      expect(read(doc), doc).toContain(`docker pull ${tag}`)
    }
  })

  it.skipIf(!dockerAnswers())(
    'is what the build script leaves in the engine (built, or already present)',
    async () => {
      const { stdout } = await run('bash', [join(REPO_ROOT, BUILD_SCRIPT)], {
        env: { ...process.env, REGISTRY_IMAGE: '' },
      })
      expect(stdout).toContain(`${tag}`)
      const inspect = await run('docker', ['image', 'inspect', '--format', '{{.Id}}', `${tag}`])
      expect(inspect.stdout.trim()).toMatch(/^sha256:[0-9a-f]{64}$/)
    },
  )
})

describe('reading the tags', () => {
  it('finds the default of build.sh and the FROM line, and nothing else', () => {
    expect(builtTag(`image="\${REGISTRY_IMAGE:-registry:9.9.9}"\n`)).toBe('registry:9.9.9')
    expect(builtTag('image="$REGISTRY_IMAGE"\n')).toBeUndefined()
    expect(e2eTag('FROM alpine:3\nFROM registry:9.9.9\n')).toBe('registry:9.9.9')
    expect(e2eTag('FROM registryx:1\n')).toBeUndefined()
  })
})
