/** Anything a test starts and must stop: a server, a registry, a provider. */
export interface Closable {
  close(): Promise<unknown>
}

/**
 * Close each of `closables` in turn, in the order given (a client before the server it talks
 * to), skipping those a failed `beforeAll` never started.
 */
export async function closeAll(...closables: (Closable | undefined)[]): Promise<void> {
  for (const closable of closables) await closable?.close()
}
