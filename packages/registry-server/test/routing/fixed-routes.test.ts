import { describe, expect, it } from 'vitest'
import { OciError } from '../../src/oci-errors.js'
import { matchRoute } from '../../src/router.js'

// The routes outside the per-repository API: each answers only its methods, and each but the
// version check needs a registry-wide scope, which only the admin holds.
const FIXED = [
  { path: '/v2/', methods: ['GET', 'HEAD'], endpoint: 'version', scope: undefined, repository: '' },
  { path: '/v2', methods: ['GET', 'HEAD'], endpoint: 'version', scope: undefined, repository: '' },
  { path: '/v2/_catalog', methods: ['GET'], endpoint: 'catalog', scope: 'catalog', repository: '' },
  {
    path: '/_artifact-registry/gc',
    methods: ['POST'],
    endpoint: 'gc',
    scope: 'gc',
    repository: '',
  },
  {
    path: '/_artifact-registry/repositories/team/app',
    methods: ['DELETE'],
    endpoint: 'repository',
    scope: 'repositories',
    repository: 'team/app',
  },
] as const

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']

describe('the routes at fixed paths', () => {
  for (const route of FIXED) {
    it(`${route.path} answers ${route.methods.join(' and ')} only`, () => {
      for (const method of METHODS) {
        if ((route.methods as readonly string[]).includes(method)) {
          const matched = matchRoute(method, route.path)
          expect(matched).toMatchObject({
            endpoint: route.endpoint,
            repository: route.repository,
            param: '',
          })
          const access = route.scope
            ? [{ type: 'registry', name: route.scope, actions: ['*'] }]
            : []
          expect(matched.access).toEqual(access)
        } else {
          let refusal: unknown
          try {
            matchRoute(method, route.path)
          } catch (err) {
            refusal = err
          }
          expect(refusal, `${method} ${route.path}`).toBeInstanceOf(OciError)
          expect(refusal).toMatchObject({ code: 'UNSUPPORTED', status: 405 })
        }
      }
    })
  }

  it('hands each request its own access list, so an authorizer that keeps or changes one affects no other', () => {
    const first = matchRoute('GET', '/v2/_catalog')
    first.access.push({ type: 'repository', name: 'team/app', actions: ['push'] })
    expect(matchRoute('GET', '/v2/_catalog').access).toEqual([
      { type: 'registry', name: 'catalog', actions: ['*'] },
    ])
  })

  it('checks the name of the repository to remove before the method', () => {
    expect(() => matchRoute('GET', '/_artifact-registry/repositories/Team')).toThrow(
      expect.objectContaining({ code: 'NAME_INVALID' }),
    )
  })
})
