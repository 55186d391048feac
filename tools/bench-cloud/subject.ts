import type { ArtifactRegistry, CrossAccountAccess } from '@artifact-registry/core'

/**
 * One provider against what stands in for its cloud, and the log of the calls it made there: a
 * column of the table. The calls are read from the stand-in's own request log, never from the
 * provider, so a call the provider makes without meaning to is counted too.
 */
export interface Subject extends AsyncDisposable {
  /** The column heading, e.g. `azure (repository-token)`. */
  readonly column: string
  /** The cross-account grant to add, read and remove; `undefined` when the provider has none. */
  readonly access: CrossAccountAccess | undefined
  /** Build the provider with its async factory; what the factory calls is the `factory` row. */
  open(): Promise<ArtifactRegistry>
  /**
   * The calls received since the last take, oldest first, each as `service:Operation`
   * (e.g. `ecr:CreateRepository`), then forgets them.
   */
  take(): Promise<string[]>
}

/**
 * Reads a request log that only grows: each {@link Subject.take} returns what was appended since
 * the previous one, labelled.
 */
export class LogCursor<T> {
  #seen = 0

  constructor(
    private readonly log: () => readonly T[],
    private readonly label: (entry: T) => string,
  ) {}

  /** The entries appended since the last call, labelled. */
  take(): string[] {
    const log = this.log()
    const fresh = log.slice(this.#seen).map(this.label)
    this.#seen = log.length
    return fresh
  }
}
