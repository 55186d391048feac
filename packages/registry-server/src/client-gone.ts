import type { ServerResponse } from 'node:http'

/**
 * A signal that aborts when the client of `res` goes away before its response is finished, for
 * work done only to answer it (a password check waiting its turn) to stop early.
 */
export function clientGone(res: ServerResponse): AbortSignal {
  const controller = new AbortController()
  if (res.destroyed && !res.writableFinished) controller.abort()
  else {
    res.once('close', () => {
      if (!res.writableFinished) controller.abort()
    })
  }
  return controller.signal
}
