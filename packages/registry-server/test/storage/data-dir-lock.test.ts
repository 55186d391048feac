import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { access, mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { platform, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { type LogEvent, startLocalRegistry } from '../../src/index.js'
import { lockDataDirectory } from '../../src/storage/data-dir-lock.js'
import { CLI, runCli, startCli, startRegistryProcess } from '../support/command.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'data-dir-lock-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const lockFile = (): string => join(dir, 'process.lock')
const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  )

/** The pid of a process that has exited: nothing runs under it (until the system reuses it). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  })
  return Number(child.stdout)
}

describe('one data directory, one registry', () => {
  it('startLocalRegistry twice on one directory: the second is refused until the first closes', async () => {
    const first = await startLocalRegistry({ dataDir: dir })
    await expect(startLocalRegistry({ dataDir: dir })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    })
    expect(await exists(lockFile())).toBe(true)
    await first.close()
    expect(await exists(lockFile())).toBe(false)
    await using second = await startLocalRegistry({ dataDir: dir })
    expect(second.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  })

  it('a start that fails after taking the lock lets go of it', async () => {
    const squatter = createServer()
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve))
    const { port } = squatter.address() as { port: number }
    try {
      await expect(startLocalRegistry({ dataDir: dir, port })).rejects.toMatchObject({
        code: 'EADDRINUSE',
      })
      expect(await exists(lockFile())).toBe(false)
      await using registry = await startLocalRegistry({ dataDir: dir })
      expect(registry.port).not.toBe(port)
    } finally {
      await new Promise((resolve) => squatter.close(resolve))
    }
  })

  it('takes over the lock of a process that no longer runs, and says so', async () => {
    const pid = deadPid()
    await writeFile(lockFile(), `${JSON.stringify({ pid, token: 'left-by-a-crash' })}\n`)
    const events: LogEvent[] = []
    await using registry = await startLocalRegistry({
      dataDir: dir,
      logLevel: 'info',
      logger: (event) => events.push(event),
    })
    expect(registry.url).toMatch(/^http:/)
    expect(events).toContainEqual(
      expect.objectContaining({ msg: 'took over the lock of a stopped process', pid }),
    )
    expect(JSON.parse(await readFile(lockFile(), 'utf8'))).toMatchObject({ pid: process.pid })
  })

  it('takes over a lock naming this pid that this process does not hold (an earlier run under the same pid)', async () => {
    await writeFile(lockFile(), JSON.stringify({ pid: process.pid, token: 'earlier-run' }))
    await using registry = await startLocalRegistry({ dataDir: dir })
    expect(registry.port).toBeGreaterThan(0)
  })

  it('starts racing on a stale lock: exactly one takes the directory, every time', async () => {
    // Each start judged the dead process's lock stale, checked it was still there and removed it:
    // one start's unlink could remove the lock another had just created in its place, and two
    // registries then wrote one store. Started together, they race on every round.
    const pid = deadPid()
    const doubleHolds: number[] = []
    for (let round = 0; round < 60; round++) {
      const data = join(dir, `round-${round}`)
      await mkdir(data)
      await writeFile(join(data, 'process.lock'), JSON.stringify({ pid, token: `crash-${round}` }))
      const starts = await Promise.allSettled(
        Array.from({ length: 4 }, () => lockDataDirectory(data)),
      )
      const held = starts.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []))
      if (held.length !== 1) doubleHolds.push(held.length)
      for (const start of starts) {
        if (start.status === 'rejected') expect(start.reason).toMatchObject({ code: 'UNAVAILABLE' })
      }
      for (const lock of held) await lock.release()
      // The takeover leaves nothing but the lock, and the lock goes with its holder.
      expect(await readdir(data)).toEqual([])
    }
    expect(doubleHolds, 'rounds in which more than one start held the lock').toEqual([])
  })

  it('a takeover in progress holds other starts off; one that a crash interrupted does not block the directory', async () => {
    const pid = deadPid()
    const token = 'crashed-during-takeover'
    await writeFile(lockFile(), JSON.stringify({ pid, token }))
    // The claim a start holds while it takes that lock over (named after the lock's token).
    const claim = `${lockFile()}.takeover-${createHash('sha256').update(token).digest('hex').slice(0, 32)}`
    await writeFile(claim, '')
    await expect(lockDataDirectory(dir)).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining('in use by another process that is starting'),
    })
    // Left by a start killed during the takeover: once old, cleared, and the lock taken over.
    const aMinuteAgo = new Date(Date.now() - 60_000)
    await utimes(claim, aMinuteAgo, aMinuteAgo)
    const lock = await lockDataDirectory(dir)
    expect(JSON.parse(await readFile(lockFile(), 'utf8'))).toMatchObject({ pid: process.pid })
    expect(await exists(claim)).toBe(false)
    await lock.release()
  })

  it('a lock that was never written is taken over once it is old, but not while it is new', async () => {
    await writeFile(lockFile(), '')
    await expect(startLocalRegistry({ dataDir: dir })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining('in use by another process that is starting'),
    })
    const { utimes } = await import('node:fs/promises')
    const aMinuteAgo = new Date(Date.now() - 60_000)
    await utimes(lockFile(), aMinuteAgo, aMinuteAgo)
    await using registry = await startLocalRegistry({ dataDir: dir })
    expect(registry.port).toBeGreaterThan(0)
  })

  it('two processes: the second serve exits 1 naming the first one’s pid and the directory', async () => {
    const data = join(dir, 'served')
    await mkdir(data)
    await using first = await startCli(['serve', '--data', data, '--port', '0'])
    const second = runCli(['serve', '--data', data, '--port', '0'])
    expect(second.status).toBe(1)
    expect(second.stderr).toContain(`The data directory ${data} is in use by process ${first.pid}`)
    // The same from a registry started in another process.
    await expect(startLocalRegistry({ dataDir: data })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining(`process ${first.pid}`),
    })
    expect(await first.stop()).toBe(0)
    await using after = await startLocalRegistry({ dataDir: data })
    expect(after.url).toMatch(/^http:/)
  })
})

/** A process that runs until killed and has nothing to do with any registry. */
async function unrelatedProcess(): Promise<ChildProcess & AsyncDisposable> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 60_000)'], {
    stdio: 'ignore',
  })
  await new Promise((resolve, reject) => child.once('spawn', resolve).once('error', reject))
  const exited = new Promise((resolve) => child.once('exit', resolve))
  return Object.assign(child, {
    [Symbol.asyncDispose]: async () => {
      child.kill('SIGKILL')
      await exited
    },
  })
}

// A new pid namespace (with its own /proc, as a container has), entered by an unprivileged user;
// `--kill-child` ends the namespace's pid 1 with `unshare`.
const UNSHARE_PID = ['--user', '--map-root-user', '--pid', '--fork', '--mount-proc', '--kill-child']

/** Whether this machine lets a test start a process in a pid namespace of its own. */
function canUnsharePid(): boolean {
  if (platform() !== 'linux') return false
  return spawnSync('unshare', [...UNSHARE_PID, 'true'], { stdio: 'ignore' }).status === 0
}

const readLock = async (path: string): Promise<Record<string, unknown>> =>
  JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>

// /proc tells a pid's start time and the boot: a lock records which run of its pid took it.
describe.skipIf(platform() !== 'linux')(
  'a lock whose pid now names another process (Linux)',
  () => {
    it('records the start time and boot of the process that holds it', async () => {
      const lock = await lockDataDirectory(dir)
      try {
        const bootId = (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim()
        expect(await readLock(lockFile())).toMatchObject({
          pid: process.pid,
          bootId,
          startTime: expect.any(Number),
        })
      } finally {
        await lock.release()
      }
    })

    it('is taken over when the pid of a killed registry has since been given to an unrelated process', async () => {
      const data = join(dir, 'data')
      const crashed = await startRegistryProcess(data)
      await crashed.kill()
      // Its lock, left by the SIGKILL; the system then gives its pid to another process (here:
      // the lock is made to name a live process's pid, the rest of it as the registry wrote it).
      const left = await readLock(join(data, 'process.lock'))
      await using unrelated = await unrelatedProcess()
      await writeFile(join(data, 'process.lock'), JSON.stringify({ ...left, pid: unrelated.pid }))
      const events: LogEvent[] = []
      await using registry = await startLocalRegistry({
        dataDir: data,
        logLevel: 'info',
        logger: (event) => events.push(event),
      })
      expect(registry.url).toMatch(/^http:/)
      expect(events).toContainEqual(
        expect.objectContaining({
          msg: 'took over the lock of a stopped process',
          pid: unrelated.pid,
        }),
      )
      expect(unrelated.exitCode).toBe(null)
    })

    it('is taken over when it was taken before the last boot, though its pid and start time match a process now', async () => {
      const data = join(dir, 'data')
      // A live registry's lock, as if read back after a reboot in which another process started
      // under the same pid at the same tick (what pid 1 of a container does).
      await using holder = await startRegistryProcess(data)
      const held = await readLock(join(data, 'process.lock'))
      expect(held).toMatchObject({ pid: holder.child.pid })
      await expect(lockDataDirectory(data)).rejects.toMatchObject({
        code: 'UNAVAILABLE',
        message: expect.stringContaining(`process ${holder.child.pid}`),
      })
      await writeFile(
        join(data, 'process.lock'),
        JSON.stringify({ ...held, bootId: '00000000-0000-4000-8000-000000000000' }),
      )
      const lock = await lockDataDirectory(data)
      expect(await readLock(lock.path)).toMatchObject({ pid: process.pid })
      await lock.release()
    })

    it('a second copy of the module in this process does not take over the first one’s lock', async () => {
      // Two installed versions of the package each have their own list of the locks held here.
      vi.resetModules()
      const other = (await import('../../src/storage/data-dir-lock.js')) as {
        lockDataDirectory: typeof lockDataDirectory
      }
      expect(other.lockDataDirectory).not.toBe(lockDataDirectory)
      const lock = await lockDataDirectory(dir)
      try {
        await expect(other.lockDataDirectory(dir)).rejects.toMatchObject({
          code: 'UNAVAILABLE',
          message: expect.stringContaining(`in use by this process (pid ${process.pid})`),
        })
      } finally {
        await lock.release()
      }
    })

    it('a lock taken in another pid namespace (a container) is refused though its pid here is another run', async () => {
      // A registry in a container beside this one: its pid is a number in the container's pid
      // namespace; here the same number is some other process, started at another time.
      const data = join(dir, 'data')
      await using holder = await startRegistryProcess(data)
      const held = await readLock(join(data, 'process.lock'))
      await using other = await unrelatedProcess()
      await writeFile(
        join(data, 'process.lock'),
        JSON.stringify({ ...held, pid: other.pid, pidNamespace: 'pid:[1]' }),
      )
      await expect(lockDataDirectory(data)).rejects.toMatchObject({
        code: 'UNAVAILABLE',
        message: expect.stringContaining(`process ${other.pid}`),
      })
      expect(holder.child.exitCode).toBe(null)
    })

    it.skipIf(!canUnsharePid())(
      'a registry serving in its own pid namespace keeps its directory from one outside it',
      async () => {
        const data = join(dir, 'data')
        // Pid 1 of a new pid namespace, as a container's server: here, pid 1 is another process.
        const child = spawn(
          'unshare',
          [...UNSHARE_PID, process.execPath, CLI, 'serve', '--data', data, '--port', '0'],
          {
            stdio: ['ignore', 'pipe', 'pipe'],
            env: { ...process.env, ARTIFACT_REGISTRY_ADMIN_PASSWORD: 'pw-namespace' },
          },
        )
        const exited = new Promise((resolve) => child.once('exit', resolve))
        try {
          await new Promise<void>((resolve, reject) => {
            let out = ''
            child.stdout.on('data', (chunk: Buffer) => {
              out += `${chunk}`
              if (out.includes('listening on')) resolve()
            })
            child.stderr.on('data', (chunk: Buffer) => {
              out += `${chunk}`
            })
            child.once('exit', () => reject(new Error(`exited before listening: ${out}`)))
          })
          expect(await readLock(join(data, 'process.lock'))).toMatchObject({ pid: 1 })
          await expect(lockDataDirectory(data)).rejects.toMatchObject({ code: 'UNAVAILABLE' })
          expect(await readLock(join(data, 'process.lock'))).toMatchObject({ pid: 1 })
        } finally {
          child.kill('SIGKILL')
          await exited
        }
      },
    )

    it('a lock of the old form (a pid, no start time) naming a running process is still refused', async () => {
      await using unrelated = await unrelatedProcess()
      await writeFile(lockFile(), JSON.stringify({ pid: unrelated.pid, token: 'older-version' }))
      await expect(lockDataDirectory(dir)).rejects.toMatchObject({
        code: 'UNAVAILABLE',
        message: expect.stringContaining(`process ${unrelated.pid}`),
      })
    })

    it('a lock naming a process that has exited but is not yet reaped (a zombie) is taken over', async () => {
      // Perl forks a child that exits at once, prints its pid and sleeps: it never waits for
      // children, so the child stays a zombie. (A shell that backgrounds a child and then execs
      // `sleep` may reap the child itself if it exits before the exec: the pid is then gone.)
      const program = '$| = 1; my $pid = fork; exit 0 if $pid == 0; print "$pid\\n"; sleep 30'
      const parent = spawn('perl', ['-e', program], { stdio: ['ignore', 'pipe', 'ignore'] })
      try {
        const zombie = Number(
          await new Promise<string>((resolve) =>
            parent.stdout.once('data', (d) => resolve(`${d}`)),
          ),
        )
        // Until `sleep 0` has exited, it is no zombie yet.
        for (let i = 0; i < 100; i++) {
          const stat = await readFile(`/proc/${zombie}/stat`, 'utf8')
          if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) break
          await new Promise((resolve) => setTimeout(resolve, 20))
        }
        await writeFile(lockFile(), JSON.stringify({ pid: zombie, token: 'exited-unreaped' }))
        const lock = await lockDataDirectory(dir)
        expect(await readLock(lock.path)).toMatchObject({ pid: process.pid })
        await lock.release()
      } finally {
        parent.kill('SIGKILL')
      }
    })
  },
)
