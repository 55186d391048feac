import { spawn } from 'node:child_process'
import { open } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { EXIT } from '../src/index.js'
import { CLI, cleanEnv, cli, HELPER, type RunResult } from './support/command.js'
import { boundRegistryForFile } from './support/registry.js'

const { binding } = await boundRegistryForFile('cli-output-failure-')
await cli(['repo', 'create', 'app', ...binding])

/** The command with its stdout on /dev/full, where every write fails with ENOSPC (a full disk). */
async function toFullDisk(args: readonly string[], bin = CLI): Promise<RunResult> {
  const full = await open('/dev/full', 'w')
  try {
    return await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [bin, ...args], {
        env: cleanEnv(),
        stdio: ['ignore', full.fd, 'pipe'],
      })
      let stderr = ''
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString()
      })
      child.once('error', reject)
      child.once('close', (status) => resolve({ status, stdout: '', stderr }))
    })
  } finally {
    await full.close()
  }
}

describe.skipIf(process.platform !== 'linux')('output that cannot be written', () => {
  it('fails (exit 1) with one line saying so, never a stack trace', async () => {
    const result = await toFullDisk(['completion', 'bash'])
    expect(result.status).toBe(EXIT.failure)
    expect(result.stderr).toBe('artifact-registry: cannot write the output (ENOSPC)\n')
  })

  it('credentials printed to a full disk: the failure, no part of the secret on stderr, and the credential revoked', async () => {
    const result = await toFullDisk(['credentials', 'artifacts/app', '--json', ...binding])
    expect(result.status).toBe(EXIT.failure)
    // Nobody received the password: the credential was taken back before the command ended.
    const { error } = JSON.parse(result.stderr) as { error: { code: string; message: string } }
    expect(error.code).toBe('FAILURE')
    expect(error.message).toMatch(
      /^cannot write the output \(ENOSPC\)\nthe credentials minted for it \(cred-[^)]+\) were revoked$/,
    )
    const revoke = await cli(['revoke', 'artifacts/app', '--json', ...binding])
    expect(JSON.parse(revoke.stdout)).toMatchObject({ revoked: 0 })
  })

  it('the credential helper fails (exit 1) and stays silent on stderr, as its protocol wants', async () => {
    const result = await toFullDisk(['version'], HELPER)
    expect(result).toMatchObject({ status: EXIT.failure, stderr: '' })
  })
})
