import { readBack } from './client.js'
import type { StoredWrite } from './inputs/index.js'

/**
 * Every write the registry acknowledged (answered 2xx), to read back at the end: acknowledged
 * data lost is any of them that is gone or serves other bytes.
 */
export class Ledger {
  readonly #writes = new Map<string, StoredWrite>()

  add(write: StoredWrite): void {
    this.#writes.set(`${write.kind} ${write.repository} ${write.reference}`, write)
  }

  get size(): number {
    return this.#writes.size
  }

  /** Read every write back; the ones lost, each as a sentence. */
  async verify(url: string, admin: string): Promise<string[]> {
    const lost: string[] = []
    const writes = [...this.#writes.values()]
    for (let i = 0; i < writes.length; i += 16) {
      await Promise.all(
        writes.slice(i, i + 16).map(async (write) => {
          const served = await readBack(url, admin, write)
          if (served !== write.digest)
            lost.push(
              `${write.kind} ${write.repository}@${write.reference}: ${served}, not ${write.digest}`,
            )
        }),
      )
    }
    return lost
  }
}
