import { connect } from 'node:net'

/** A response read off a raw socket. */
export interface RawAnswer {
  status: number
  headers: Map<string, string>
  body: string
}

/**
 * Send `request` byte for byte on a fresh connection and read the answer until the server
 * closes it: for what `fetch` will not send (a request target that is no URL, 100 KB of
 * headers). Rejects when the server closes without answering.
 */
export function rawExchange(url: string, request: string): Promise<RawAnswer> {
  const { port } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1')
    const chunks: Buffer[] = []
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    // The server may reset the connection once it answered a request it did not read whole.
    socket.on('error', () => {})
    socket.on('close', () => {
      const answer = parseAnswer(Buffer.concat(chunks).toString('utf8'))
      if (answer === undefined) reject(new Error(`no answer to ${request.slice(0, 80)}`))
      else resolve(answer)
    })
    socket.write(request)
  })
}

function parseAnswer(text: string): RawAnswer | undefined {
  const end = text.indexOf('\r\n\r\n')
  if (end < 0) return undefined
  const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n')
  const headers = new Map<string, string>()
  for (const line of lines) {
    const colon = line.indexOf(':')
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim())
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: text.slice(end + 4) }
}
