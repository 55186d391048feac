import { awsRead, type ProvisionContext, type SendOptions } from './context.js'

/** One page of an IAM list action: its items, and where the next page starts. */
export interface IamListPage<T> {
  readonly items: readonly T[] | undefined
  readonly IsTruncated?: boolean | undefined
  readonly Marker?: string | undefined
}

/**
 * Every item of an IAM list action, following `Marker` while `IsTruncated`: IAM may return
 * fewer items than asked for on any page. `undefined` when the role listed does not exist.
 */
export async function allIamPages<T>(
  ctx: Pick<ProvisionContext, 'recorder'>,
  operation: string,
  send: (marker: string | undefined, options: SendOptions) => Promise<IamListPage<T>>,
): Promise<T[] | undefined> {
  const items: T[] = []
  let marker: string | undefined
  do {
    const page = await awsRead(ctx, operation, (o) => send(marker, o))
    if (page === undefined) return undefined
    items.push(...(page.items ?? []))
    marker = page.IsTruncated === true ? page.Marker : undefined
  } while (marker !== undefined)
  return items
}
