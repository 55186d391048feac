import { describe, expect, it } from 'vitest'
import { cpuSeconds, statCpu } from '../bench/processes.js'
import { THREAD_GROUPS, threadGroup, threadGroupSeconds } from '../bench/thread-cpu.js'

// The report splits our server's CPU by thread to show which part of a slow run was slow; these
// check that the split reads real threads by the names Node and our server give them.

/** Keeps this thread busy until the process has used `ms` more CPU (not wall) milliseconds. */
function burn(ms: number): void {
  const start = process.cpuUsage()
  const used = (): number => {
    const { user, system } = process.cpuUsage(start)
    return (user + system) / 1000
  }
  let x = 0
  while (used() < ms) for (let i = 0; i < 10_000; i++) x += Math.sqrt(x + i)
  expect(x).toBeGreaterThan(0)
}

describe('threadGroup', () => {
  it("groups threads by the names Node and our server's hashing workers carry", () => {
    expect(threadGroup('registry-hash')).toBe('hashing')
    expect(threadGroup('libuv-worker')).toBe('libuv pool')
    expect(threadGroup('V8Worker')).toBe('V8 helpers')
    expect(threadGroup('DelayedTaskSche')).toBe('other')
    // The names later versions of Node give, and the one every thread has where Node names none.
    expect(threadGroup('node-libuv-worker')).toBe('libuv pool')
    expect(threadGroup('node-V8Worker')).toBe('V8 helpers')
    expect(threadGroup('node')).toBe('other')
  })
})

describe('statCpu', () => {
  it('reads a name with spaces and parentheses, and the user and system ticks after it', () => {
    // pid (comm) state ppid … utime stime …: utime 150 and stime 50 ticks of 10 ms.
    const rest = ['S', ...Array.from({ length: 10 }, () => '0'), '150', '50', '0', '0']
    expect(statCpu(`42 (a) (b c) ${rest.join(' ')}`)).toEqual({ name: 'a) (b c', seconds: 2 })
  })
})

describe('threadGroupSeconds', () => {
  it("counts this process's main thread as main, and its groups add up to the process", async () => {
    const before = await threadGroupSeconds(process.pid)
    burn(300)
    const after = await threadGroupSeconds(process.pid)
    const total = await cpuSeconds(process.pid)
    expect(after.main - before.main).toBeGreaterThanOrEqual(0.2)
    const sum = THREAD_GROUPS.reduce((seconds, group) => seconds + after[group], 0)
    // Read a moment apart, in ticks of 10 ms: the groups never count more than the process, and
    // trail it only by what ran between the two readings.
    expect(sum).toBeLessThanOrEqual(total + 0.02)
    expect(total - sum).toBeLessThanOrEqual(0.15)
  })

  it('names the process when it is gone', async () => {
    await expect(threadGroupSeconds(2 ** 22 + 1)).rejects.toThrow(/ENOENT/)
  })
})
