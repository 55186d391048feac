import { randomUUID } from 'node:crypto'
import type { FakeRequest, FakeResponse } from '../fake-server.js'

/** `X-Amz-Target` prefix of every ECR operation (awsJson1_1). */
export const ECR_TARGET_PREFIX = 'AmazonEC2ContainerRegistry_V20150921.'
const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/'

type Headers = Readonly<Record<string, string | string[] | undefined>>

/** The STS or ECR operation of a request: the `X-Amz-Target` suffix or the query `Action`. */
export function operationOf(request: FakeRequest): string {
  const target = header(request.headers, 'x-amz-target')
  if (target?.startsWith(ECR_TARGET_PREFIX)) return target.slice(ECR_TARGET_PREFIX.length)
  return formOf(request).get('Action') ?? 'Unknown'
}

/** Whether a request speaks the STS query protocol (form body) rather than ECR's JSON. */
export function isStsRequest(request: FakeRequest): boolean {
  return header(request.headers, 'x-amz-target') === undefined
}

/** The form parameters of an awsQuery request (body, or query string for GET). */
export function formOf(request: FakeRequest): URLSearchParams {
  return request.body === '' ? request.url.searchParams : new URLSearchParams(request.body)
}

/**
 * The service a request was signed for (`sts`, `iam`, `ecr`), from its SigV4 credential scope:
 * STS and IAM both speak the query protocol, so only the scope tells them apart.
 */
export function serviceOf(headers: Headers): string | undefined {
  return /Credential=[^/,\s]+\/\d{8}\/[^/]+\/([^/]+)\//.exec(
    header(headers, 'authorization') ?? '',
  )?.[1]
}

/** Region and access key id from the SigV4 `Credential=<AKID>/<date>/<region>/<service>/…` scope. */
export function signerOf(headers: Headers): { accessKeyId: string; region: string } {
  const match = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\//.exec(
    header(headers, 'authorization') ?? '',
  )
  return { accessKeyId: match?.[1] ?? 'anonymous', region: match?.[2] ?? 'us-east-1' }
}

/** A header value as one string. */
export function header(headers: Headers, name: string): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value.join(',') : value
}

/** An awsJson1_1 success answer. */
export function jsonOk(body: unknown): FakeResponse {
  return { status: 200, headers: jsonHeaders(), body }
}

/** An awsJson1_1 error answer: `{"__type", "message"}`, which the SDK turns into its modelled class. */
export function jsonError(type: string, message: string, status = 400): FakeResponse {
  return {
    status,
    headers: { ...jsonHeaders(), 'x-amzn-errortype': type },
    body: { __type: type, message },
  }
}

/** An awsQuery success answer: `<{Action}Response><{Action}Result>…`, in STS's namespace unless told. */
export function xmlOk(
  action: string,
  resultXml: string,
  namespace: string = STS_NAMESPACE,
): FakeResponse {
  const body =
    `<${action}Response xmlns="${namespace}"><${action}Result>${resultXml}</${action}Result>` +
    `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`
  return { status: 200, headers: { 'content-type': 'text/xml' }, body }
}

/** An awsQuery error answer: `<ErrorResponse><Error><Type/><Code/><Message/>`, in STS's namespace unless told. */
export function xmlError(
  code: string,
  message: string,
  status = 400,
  namespace: string = STS_NAMESPACE,
): FakeResponse {
  const type = status >= 500 ? 'Receiver' : 'Sender'
  const body =
    `<ErrorResponse xmlns="${namespace}"><Error><Type>${type}</Type><Code>${escapeXml(code)}</Code>` +
    `<Message>${escapeXml(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`
  return { status, headers: { 'content-type': 'text/xml' }, body }
}

/** Escape text for an XML element. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
}

/** Seconds since the epoch as a JSON number, the awsJson1_1 timestamp format. */
export function epochSeconds(date: Date): number {
  return date.getTime() / 1000
}

function jsonHeaders(): Record<string, string> {
  return { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() }
}
