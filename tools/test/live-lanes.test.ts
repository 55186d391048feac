import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { packageBin } from '@artifact-registry/test-kit'
import { describe, expect, it } from 'vitest'
import type { UserWorkspaceConfig } from 'vitest/config'
import { repositoryFiles } from './repo-files.js'
import { REPO_ROOT } from './repo-root.js'

// The opt-in live lanes (docs/live-lanes.md) talk to real clouds, so nothing here may start one
// for real: each check runs the vitest CLI with every variable a lane reads removed, and the lanes
// stop in their global setup, before any test file is even loaded.

const VITEST = packageBin('vitest', 'vitest', import.meta.url)
const LIVE_CONFIG = 'vitest.live.config.ts'
const GUARD = /tools\/test-network-guard\.ts$/
/** Each lane and the heading of its section in docs/live-lanes.md. */
const LANES = { 'live-aws': 'AWS', 'live-gcp': 'GCP', 'live-azure': 'Azure' } as const
type Lane = keyof typeof LANES

interface ListedFile {
  file: string
  projectName: string
}

describe('the default run', () => {
  it('collects no live-lane file, in any project', async () => {
    const files = await listedFiles()
    expect(files.length).toBeGreaterThan(0)
    expect(files.filter(({ file }) => file.endsWith('.live.test.ts'))).toEqual([])
  })

  it('installs the network guard first in every project: the live config alone leaves it out', async () => {
    const defaultProjects = new Set((await listedFiles()).map((f) => f.projectName))
    const configs = repositoryFiles().filter((f) => /(^|\/)vitest(\.[\w-]+)?\.config\.ts$/.test(f))
    const projectConfigs = configs.filter((f) => f !== 'vitest.config.ts' && f !== LIVE_CONFIG)
    expect(projectConfigs.length).toBeGreaterThan(0)
    for (const path of projectConfigs) {
      const { test } = await configAt(path)
      // Every project config is one of the default run's projects, and starts with the guard.
      expect(defaultProjects, path).toContain(test?.name)
      expect([test?.setupFiles].flat()[0], path).toMatch(GUARD)
    }
    const live = (await configAt(LIVE_CONFIG)).test?.projects as UserWorkspaceConfig[]
    expect(live.map((project) => project.test?.name).sort()).toEqual(Object.keys(LANES).sort())
    for (const { test } of live) {
      expect([test?.setupFiles ?? []].flat().filter((f) => GUARD.test(String(f)))).toEqual([])
      expect(test?.globalSetup).toEqual(['test/live/lane-setup.ts'])
    }
  })
})

describe('the live config', () => {
  it('collects every live-lane file of the repository, each in its cloud’s lane', async () => {
    const listed = await listedFiles(LIVE_CONFIG)
    const expected = repositoryFiles()
      .filter((f) => f.endsWith('.live.test.ts'))
      .map((file) => ({ file: join(REPO_ROOT, file), projectName: laneOf(file) }))
    expect(expected.length).toBeGreaterThan(0)
    expect(sortByFile(listed)).toEqual(sortByFile(expected))
    expect(new Set(listed.map((f) => f.projectName))).toEqual(new Set(Object.keys(LANES)))
  })

  it.each(Object.keys(LANES) as Lane[])(
    '%s fails before any test, listing each variable docs/live-lanes.md names for it',
    async (lane) => {
      const variables = documentedVariables(await readDocs(), LANES[lane])
      expect(variables.length).toBeGreaterThan(2)
      const { code, output } = await runLive(['--project', lane], laneFreeEnvironment())
      expect(code).toBe(1)
      expect(output).toContain(`${lane} cannot run`)
      const listed = [...output.matchAll(/^ {2}([A-Z][A-Z0-9_]+): /gm)].map((m) => m[1])
      expect(listed.sort()).toEqual([...variables].sort())
      expect(output).toMatch(/Test Files\s+no tests/)
    },
  )

  it('refuses every lane under CI=true, before any test', async () => {
    const { code, output } = await runLive([], { ...laneFreeEnvironment(), CI: 'true' })
    expect(code).toBe(1)
    expect(output).toContain('live lanes never run in CI (CI=true)')
    expect(output).not.toContain('cannot run')
    expect(output).toMatch(/Test Files\s+no tests/)
  })
})

// --- helpers ---

/** The files the vitest CLI would run with `config` (the default one when absent), by project. */
async function listedFiles(config?: string): Promise<ListedFile[]> {
  const dir = await mkdtemp(join(tmpdir(), 'live-lanes-'))
  try {
    const json = join(dir, 'files.json')
    const args = ['list', '--filesOnly', `--json=${json}`, ...(config ? ['--config', config] : [])]
    const { code, output } = await vitestCli(args, laneFreeEnvironment())
    expect(code, output).toBe(0)
    return JSON.parse(await readFile(json, 'utf8')) as ListedFile[]
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

function runLive(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return vitestCli(['run', '--config', LIVE_CONFIG, ...args], env)
}

interface CliRun {
  code: number
  output: string
}

function vitestCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [VITEST, ...args],
      { cwd: REPO_ROOT, env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1
        resolve({ code, output: `${stdout}\n${stderr}` })
      },
    )
  })
}

/**
 * This process's environment without anything a lane reads (or this run of vitest set), so a
 * developer's own cloud settings can never make a check start a real lane.
 */
function laneFreeEnvironment(): NodeJS.ProcessEnv {
  const dropped = /^(CI|VITEST.*|ARTIFACT_REGISTRY_LIVE_.*|AWS_.*|AZURE_.*|GOOGLE_.*|CLOUDSDK_.*)$/
  const kept = Object.entries(process.env).filter(([name]) => !dropped.test(name))
  return { ...Object.fromEntries(kept), NO_COLOR: '1' }
}

async function configAt(path: string): Promise<UserWorkspaceConfig> {
  const module = (await import(join(REPO_ROOT, path))) as { default: UserWorkspaceConfig }
  return module.default
}

function readDocs(): Promise<string> {
  return readFile(join(REPO_ROOT, 'docs/live-lanes.md'), 'utf8')
}

/** The variables in the table under `### Variables` of the docs' `## <heading>` section. */
function documentedVariables(docs: string, heading: string): string[] {
  const section = docs.split(/^## /m).find((s) => s.startsWith(`${heading}\n`)) ?? ''
  const table = section.split(/^### /m).find((s) => s.startsWith('Variables\n')) ?? ''
  return [...table.matchAll(/^\| `([A-Z][A-Z0-9_]+)`/gm)].map((m) => m[1] as string)
}

function laneOf(file: string): string {
  const cloud = /^packages\/provider-([a-z]+)\/test\/live\//.exec(file)?.[1]
  return `live-${cloud ?? 'none'}`
}

function sortByFile(files: ListedFile[]): ListedFile[] {
  return [...files].sort((a, b) => a.file.localeCompare(b.file))
}

describe("the AWS lane's roles", () => {
  // The lane must run with the rights the README tells users to give, no more: a wider pull role
  // would hide a pull credential that reaches beyond what the README promises.
  it('get exactly the actions of the pull and push rows of the provider-aws README', async () => {
    const doc = await readFile(join(REPO_ROOT, 'docs/live-lanes.md'), 'utf8')
    const readme = await readFile(join(REPO_ROOT, 'packages/provider-aws/README.md'), 'utf8')
    const pull = actionsIn(doc.match(/^PULL='(.*)'$/m)?.[1])
    const push = [...pull, ...actionsIn(doc.match(/^PUSH="\$PULL,(.*)"$/m)?.[1])]
    expect(pull.length).toBeGreaterThan(0)
    expect(pull.sort()).toEqual(readmeRoleActions(readme, 'pull role').sort())
    expect(push.sort()).toEqual(readmeRoleActions(readme, 'push role').sort())
  })
})

/** The `ecr:…` names in a shell string of quoted actions. */
function actionsIn(text: string | undefined): string[] {
  return [...(text ?? '').matchAll(/ecr:\w+/g)].map((m) => m[0])
}

/** The actions of the README table row whose identity cell is exactly `identity`, on repositories. */
function readmeRoleActions(readme: string, identity: string): string[] {
  const row = readme
    .split('\n')
    .map((line) => line.split('|').map((cell) => cell.trim()))
    .find((cells) => cells[1] === identity && cells[2] === '`repository/{prefix}-*`')
  return actionsIn(row?.[3])
}
