import { randomBytes } from 'node:crypto'
import { type Cell, measureSubject, ROWS } from './operations.js'
import type { Subject } from './subject.js'
import { awsSubject } from './subjects/aws.js'
import { azureSubject } from './subjects/azure.js'
import { gcpSubject } from './subjects/gcp.js'
import { localSubject } from './subjects/local.js'

/** The calls of every operation (rows) of every provider (columns). */
export interface CallTable {
  readonly columns: readonly string[]
  readonly rows: readonly string[]
  /** `cells.get(column).get(row)`. */
  readonly cells: ReadonlyMap<string, ReadonlyMap<string, Cell>>
}

/** The columns, in the order they are measured and printed. */
export const SUBJECTS: readonly (() => Promise<Subject>)[] = [
  awsSubject,
  gcpSubject,
  () => azureSubject('aad-exchange'),
  () => azureSubject('repository-token'),
  localSubject,
]

/**
 * Run every operation on every provider against its stand-in, one provider after the other, and
 * collect the calls each made. `progress` hears each column as it starts.
 */
export async function measureCloudCalls(
  progress: (column: string) => void = () => {},
): Promise<CallTable> {
  const columns: string[] = []
  const cells = new Map<string, ReadonlyMap<string, Cell>>()
  for (const start of SUBJECTS) {
    await using subject = await start()
    progress(subject.column)
    columns.push(subject.column)
    cells.set(
      subject.column,
      await measureSubject(subject, `app-${randomBytes(4).toString('hex')}`),
    )
  }
  return { columns, rows: ROWS, cells }
}
