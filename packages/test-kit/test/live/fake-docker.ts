import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** One run of the fake docker CLI, as it saw it. */
export interface DockerCall {
  args: string[]
  /** What it read from stdin. */
  stdin: Buffer
  /** Its `DOCKER_CONFIG`. */
  config: string | undefined
  /** When it ran (ms since the epoch). */
  at: number
}

/** A `docker` executable that records each call and answers by its rules. */
export interface FakeDocker {
  /** A PATH with the fake first. */
  path: string
  calls(): Promise<DockerCall[]>
  /** Replaces the rules; the next call reads them. */
  setRules(rules: DockerRule[]): Promise<void>
  remove(): Promise<void>
}

const SCRIPT = `
const { appendFileSync, readFileSync } = require('node:fs')
const { join } = require('node:path')
const dir = process.argv[2]
const args = process.argv.slice(3)
const stdin = readFileSync(0)
const config = process.env.DOCKER_CONFIG
appendFileSync(join(dir, 'calls.jsonl'), JSON.stringify({ args, stdin: stdin.toString('base64'), config, at: Date.now() }) + '\\n')
const rules = JSON.parse(readFileSync(join(dir, 'rules.json'), 'utf8'))
const line = args.join(' ')
const rule = rules.find((r) => new RegExp(r.match).test(line) && (!r.config || (config ?? '').endsWith(r.config)) && (!r.after || Date.now() > r.after))
if (rule) { process.stderr.write(rule.stderr); process.exit(rule.code) }
`

/** A rule of the fake: the first whose `match` (a regex on the command line) fits answers. */
export interface DockerRule {
  match: string
  /** Only for a client whose config directory ends with this. */
  config?: string
  /** Only after this instant (ms since the epoch). */
  after?: number
  code: number
  stderr: string
}

/** Starts a fake docker whose failures are `rules` (anything else succeeds silently). */
export async function fakeDocker(rules: DockerRule[] = []): Promise<FakeDocker> {
  const dir = await mkdtemp(join(tmpdir(), 'fake-docker-'))
  await writeFile(join(dir, 'rules.json'), JSON.stringify(rules))
  await writeFile(join(dir, 'calls.jsonl'), '')
  await writeFile(join(dir, 'fake-docker.cjs'), SCRIPT)
  const docker = join(dir, 'docker')
  await writeFile(
    docker,
    `#!/bin/sh\nexec "${process.execPath}" "${dir}/fake-docker.cjs" "${dir}" "$@"\n`,
  )
  await chmod(docker, 0o755)
  return {
    path: `${dir}:${process.env.PATH ?? ''}`,
    async calls() {
      const lines = (await readFile(join(dir, 'calls.jsonl'), 'utf8')).split('\n').filter(Boolean)
      return lines.map((line) => {
        const call = JSON.parse(line) as Omit<DockerCall, 'stdin'> & { stdin: string }
        return { ...call, stdin: Buffer.from(call.stdin, 'base64') }
      })
    },
    setRules: (next) => writeFile(join(dir, 'rules.json'), JSON.stringify(next)),
    remove: () => rm(dir, { recursive: true, force: true }),
  }
}
