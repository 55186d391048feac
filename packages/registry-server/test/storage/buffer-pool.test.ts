import { describe, expect, it } from 'vitest'
import { BufferPool } from '../../src/storage/buffer-pool.js'

describe('BufferPool', () => {
  it('allocates only when every buffer so far is in use, up to its maximum, of its size', async () => {
    const pool = new BufferPool(1000, 3)
    const first = await pool.take()
    expect(first.byteLength).toBe(1000)
    pool.release(first)
    expect(await pool.take()).toBe(first)
    const second = await pool.take()
    const third = await pool.take()
    expect(new Set([first, second, third]).size).toBe(3)
  })

  it('makes a caller wait for a buffer once all are in use, and hands it the next one released', async () => {
    const pool = new BufferPool(10, 1)
    const only = await pool.take()
    let waited: Buffer | undefined
    const waiting = Promise.resolve(pool.take()).then((buffer) => {
      waited = buffer
    })
    await Promise.resolve()
    expect(waited).toBeUndefined()
    pool.release(only)
    await waiting
    expect(waited).toBe(only)
  })
})
