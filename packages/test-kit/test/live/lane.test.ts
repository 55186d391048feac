import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  checkLane,
  type LiveLane,
  LiveLaneError,
  laneEnvironment,
  refuseInCi,
} from '../../src/live/lane.js'

const LANE = {
  name: 'live-test',
  docs: 'docs/live-lanes.md#running-a-lane',
  variables: { TEST_REGION: 'the region', TEST_ROLE: 'the role' },
  tools: [],
} as const satisfies LiveLane

afterEach(() => {
  vi.unstubAllEnvs()
})

describe('refuseInCi', () => {
  it.each(['true', 'TRUE', '1', 'yes'])('refuses CI=%s', (ci) => {
    expect(() => refuseInCi({ CI: ci })).toThrow(
      new LiveLaneError(
        `live lanes never run in CI (CI=${ci}): they use a real cloud account; run them by hand`,
      ),
    )
  })

  it.each([undefined, '', ' ', 'false', '0'])('lets CI=%j through', (ci) => {
    expect(() => refuseInCi({ CI: ci })).not.toThrow()
  })
})

describe('laneEnvironment', () => {
  it('returns every variable, trimmed', () => {
    expect(
      laneEnvironment(LANE, { TEST_REGION: ' eu-west-1 ', TEST_ROLE: 'r', OTHER: 'x' }),
    ).toEqual({
      TEST_REGION: 'eu-west-1',
      TEST_ROLE: 'r',
    })
  })

  it('lists every missing or blank variable with what it names, in one error', () => {
    expect(() => laneEnvironment(LANE, { TEST_ROLE: '  ' })).toThrow(
      new LiveLaneError(
        'live-test cannot run (set it up as docs/live-lanes.md#running-a-lane says)\n' +
          'missing environment variables:\n  TEST_REGION: the region\n  TEST_ROLE: the role',
      ),
    )
  })

  it('refuses CI before looking at the variables', () => {
    expect(() => laneEnvironment(LANE, { CI: 'true' })).toThrow(/never run in CI/)
  })
})

describe('checkLane', () => {
  it('passes when the variables are set and the clients answer', async () => {
    const path = await fakeTools({ docker: 0, skopeo: 0 })
    vi.stubEnv('PATH', path.dir)
    try {
      const lane = { ...LANE, tools: ['docker', 'skopeo'] } as const
      await expect(checkLane(lane, { TEST_REGION: 'r', TEST_ROLE: 'x' })).resolves.toBeUndefined()
    } finally {
      await path.remove()
    }
  })

  it('lists missing variables, clients missing from PATH and a silent Docker daemon together', async () => {
    vi.stubEnv('CI', '')
    const path = await fakeTools({ docker: 1 })
    vi.stubEnv('PATH', path.dir)
    try {
      const lane = { ...LANE, tools: ['docker', 'skopeo'] } as const
      await expect(checkLane(lane, { TEST_ROLE: 'x' })).rejects.toThrow(
        new LiveLaneError(
          'live-test cannot run (set it up as docs/live-lanes.md#running-a-lane says)\n' +
            'missing environment variables:\n  TEST_REGION: the region\n' +
            'clients not ready:\n' +
            '  skopeo is not on PATH (Debian: apt-get install skopeo)',
        ),
      )
      await expect(checkLane({ ...LANE, tools: ['docker'] }, { TEST_ROLE: 'x' })).rejects.toThrow(
        /clients not ready:\n {2}the Docker daemon does not answer `docker version`$/,
      )
    } finally {
      await path.remove()
    }
  })
})

/** A directory of scripts named after tools, each exiting with the given code. */
async function fakeTools(
  exits: Record<string, number>,
): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'fake-tools-'))
  for (const [name, code] of Object.entries(exits)) {
    await writeFile(join(dir, name), `#!/bin/sh\nexit ${code}\n`)
    await chmod(join(dir, name), 0o755)
  }
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) }
}
