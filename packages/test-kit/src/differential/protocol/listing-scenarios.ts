import type { ExpectedDifference } from '../observation.js'
import { get, LISTING, type ProtocolScenario, pushImage, TAGS } from './requests.js'

const ALL_TAGS = { name: 'diff/tags', tags: ['t1', 't2', 't3', 't4', 't5'] }
const IGNORED = 'end-8b: distribution 2.8.2 ignores n and last on tags/list (pagination came in v3)'

/** Tag listing (end-8a/8b) and `_catalog`, with their pagination. */
export const listingScenarios: readonly ProtocolScenario[] = [
  {
    name: 'tag list, with n and last',
    async run(p) {
      await pushImage(p, 'diff/tags', ['t5', 't1', 't3', 't2', 't4'])
      const list = (query: string) => get(`/v2/diff/tags/tags/list${query}`)
      await p.step('GET tags', list(''), TAGS)
      await p.step('GET tags ?n=2', list('?n=2'), TAGS)
      await p.step('GET tags ?n=2&last=t2', list('?n=2&last=t2'), TAGS)
      await p.step('GET tags ?last=t3', list('?last=t3'), TAGS)
      await p.step('GET tags ?n=0', list('?n=0'), TAGS)
      await p.step('GET tags ?n=abc', list('?n=abc'))
    },
    differences: [
      pageWithNext('?n=2', ['t1', 't2']),
      pageWithNext('?n=2&last=t2', ['t3', 't4']),
      {
        step: 'GET tags ?last=t3',
        ours: { body: { name: 'diff/tags', tags: ['t4', 't5'] } },
        reference: { body: ALL_TAGS },
        reason: IGNORED,
      },
      {
        step: 'GET tags ?n=0',
        ours: { body: { name: 'diff/tags', tags: [] }, headers: { link: null } },
        reference: { body: ALL_TAGS },
        reason: `${IGNORED}; n=0 asks for an empty list`,
      },
      {
        step: 'GET tags ?n=abc',
        ours: { status: 400, codes: ['PAGINATION_NUMBER_INVALID'] },
        reference: { status: 200 },
        reason: `${IGNORED}; we reject a non-numeric n as distribution's own catalog code does`,
      },
    ],
  },
  {
    name: 'catalog, with n, last and Link',
    async run(p) {
      for (const repo of ['diff/cat-b', 'diff/cat-a', 'diff/cat-c'])
        await pushImage(p, repo, ['v1'])
      await p.step('GET catalog', get('/v2/_catalog'), LISTING)
      const first = await p.step('GET catalog ?n=2', get('/v2/_catalog?n=2'), LISTING)
      const next = /<([^>]+)>/.exec(first.headers.get('link') ?? '')?.[1]
      if (!next) throw new Error('no Link to the next page')
      await p.step('GET the Link', get(next), LISTING)
      await p.step(
        'GET catalog ?n=1&last=diff/cat-b',
        get('/v2/_catalog?n=1&last=diff/cat-b'),
        LISTING,
      )
      await p.step('GET catalog ?n=0', get('/v2/_catalog?n=0'), LISTING)
      await p.step('GET catalog ?n=abc', get('/v2/_catalog?n=abc'))
      await p.step('GET catalog ?n=100000', get('/v2/_catalog?n=100000'))
    },
    differences: [
      {
        step: 'GET catalog ?n=abc',
        ours: { status: 400, codes: ['PAGINATION_NUMBER_INVALID'] },
        reference: { status: 200 },
        reason: 'distribution 2.8.2 falls back to its default page size when n does not parse',
      },
      {
        step: 'GET catalog ?n=100000',
        ours: { status: 200 },
        reference: { status: 400, codes: ['PAGINATION_NUMBER_INVALID'] },
        reason: 'distribution caps n at catalog.maxentries (1000); we have no such cap',
      },
    ],
  },
]

// --- internal ---

/**
 * A page of `GET tags {query}` that we answer with `tags` and a Link to the next page, where
 * distribution answers with every tag and no Link.
 */
function pageWithNext(query: string, tags: readonly string[]): ExpectedDifference {
  const link = `</v2/diff/tags/tags/list?last=${tags.at(-1)}&n=${tags.length}>; rel="next"`
  return {
    step: `GET tags ${query}`,
    ours: { body: { name: 'diff/tags', tags }, headers: { link } },
    reference: { body: ALL_TAGS, headers: { link: null } },
    reason: IGNORED,
  }
}
