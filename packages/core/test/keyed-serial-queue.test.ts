import { describe, expect, it } from 'vitest'
import { KeyedSerialQueue } from '../src/index.js'

/** A promise and the function that settles it, to hold a task open. */
function gate(): { opened: Promise<void>; open(): void } {
  let open = (): void => {}
  const opened = new Promise<void>((resolve) => {
    open = resolve
  })
  return { opened, open }
}

describe('KeyedSerialQueue', () => {
  it('runs the tasks of one key one at a time, in the order given', async () => {
    const queue = new KeyedSerialQueue()
    const events: string[] = []
    const first = gate()
    const a = queue.run('policy', async () => {
      events.push('a starts')
      await first.opened
      events.push('a ends')
      return 'a'
    })
    const b = queue.run('policy', async () => {
      events.push('b starts')
      return 'b'
    })
    await new Promise((resolve) => setImmediate(resolve))
    expect(events).toEqual(['a starts'])
    first.open()
    expect(await Promise.all([a, b])).toEqual(['a', 'b'])
    expect(events).toEqual(['a starts', 'a ends', 'b starts'])
  })

  it('runs tasks of different keys at once', async () => {
    const queue = new KeyedSerialQueue()
    const held = gate()
    const slow = queue.run('one', () => held.opened)
    // Resolves although the task of 'one' is still open.
    expect(await queue.run('two', async () => 'done')).toBe('done')
    held.open()
    await slow
  })

  it('gives each caller its own outcome and goes on after a failed task', async () => {
    const queue = new KeyedSerialQueue()
    const failed = queue.run('policy', async () => {
      throw new Error('refused')
    })
    const next = queue.run('policy', async () => 'written')
    await expect(failed).rejects.toThrow('refused')
    expect(await next).toBe('written')
  })
})
