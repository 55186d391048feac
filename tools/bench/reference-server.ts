import { execFile } from 'node:child_process'
import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import type { AuthMode } from './auth.js'
import { REFERENCE, type Server, spawnServer } from './registries.js'

const run = promisify(execFile)

/**
 * The C source, beside this module, or above it when this runs compiled (from bench/dist). It is
 * compiled on the machine it measures, with that machine's compiler and OpenSSL.
 */
export const REFERENCE_SOURCE: string = (() => {
  const here = dirname(fileURLToPath(import.meta.url))
  return join(basename(here) === 'dist' ? dirname(here) : here, 'reference-server.c')
})()

/** Why the reference rows are missing, printed under the table. */
export interface ReferenceSkipped {
  skipped: string
}

/**
 * Compiles and starts `reference-server.c` on a fresh data directory under the system temp dir
 * (the disk the other servers use). It ignores credentials: `auth` only sets what the clients
 * send, the same headers as to the others. On a machine without a C compiler or OpenSSL's
 * headers it is skipped, and the report says why; a source that no longer compiles is an error.
 */
export async function startReference(auth: AuthMode): Promise<Server | ReferenceSkipped> {
  await access(REFERENCE_SOURCE)
  const workDir = await mkdtemp(join(tmpdir(), 'bench-reference-'))
  const binary = join(workDir, 'reference-server')
  const dataDir = join(workDir, 'data')
  try {
    const missing = await missingToolchain(workDir)
    if (missing !== undefined) {
      await rm(workDir, { recursive: true, force: true })
      return { skipped: `No "${REFERENCE}" rows: ${missing}` }
    }
    await run(COMPILER, ['-O2', '-o', binary, REFERENCE_SOURCE, ...LIBRARIES])
    await mkdir(dataDir)
  } catch (error) {
    await rm(workDir, { recursive: true, force: true })
    throw error
  }
  return spawnServer(REFERENCE, binary, [dataDir], workDir, auth, (hex) =>
    join(dataDir, 'blobs', hex),
  )
}

// --- internal ---

const COMPILER = process.env.CC ?? 'cc'
const LIBRARIES = ['-lcrypto', '-lpthread']

/**
 * Why this machine cannot build the reference, asked with a program that needs nothing but the
 * compiler and OpenSSL; undefined when it can.
 */
async function missingToolchain(workDir: string): Promise<string | undefined> {
  const probe = join(workDir, 'probe.c')
  await writeFile(probe, '#include <openssl/evp.h>\nint main(void) { return EVP_sha256() == 0; }\n')
  try {
    await run(COMPILER, ['-o', join(workDir, 'probe'), probe, ...LIBRARIES])
    return undefined
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr
    const reason = firstLine(stderr) ?? (error as Error).message
    return `${COMPILER} cannot build a program with OpenSSL here (${reason}); install a C compiler and OpenSSL's headers (Debian: gcc libssl-dev).`
  }
}

function firstLine(text: string | undefined): string | undefined {
  return text
    ?.split('\n')
    .map((line) => line.trim())
    .find((line) => line !== '')
}
