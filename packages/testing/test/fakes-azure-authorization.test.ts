import { FAKE_AZURE, startAzureFake } from '@artifact-registry/testing/fakes/azure'
import { describe, expect, it } from 'vitest'
import { aadToken, call, requestAccessToken, text } from './azure-wire.js'

// The Azure fake's Microsoft.Authorization API (custom roles, role assignments) and how role
// assignments decide what an identity may do at ARM and at the registry.

const API = 'api-version=2022-04-01'
const SUBSCRIPTION = `/subscriptions/${FAKE_AZURE.subscriptionId}`
const GROUP = `${SUBSCRIPTION}/resourceGroups/${FAKE_AZURE.resourceGroup}`
const REGISTRY = `${GROUP}/providers/Microsoft.ContainerRegistry/registries/${FAKE_AZURE.registryName}`
const ASSIGNMENTS = `${REGISTRY}/providers/Microsoft.Authorization/roleAssignments`
const ROLES = `${GROUP}/providers/Microsoft.Authorization/roleDefinitions`
const ACR_PULL = `${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d`
const RUNTIME_OBJECT_ID = '0b1ec700-0000-4000-8000-000000000001'
const ADMIN = { tenantId: FAKE_AZURE.tenantId, clientId: 'admin-client', clientSecret: 'admin' }
const RUNTIME = {
  tenantId: FAKE_AZURE.tenantId,
  clientId: FAKE_AZURE.clientId,
  clientSecret: FAKE_AZURE.clientSecret,
  objectId: RUNTIME_OBJECT_ID,
  permissionsFrom: 'role-assignments' as const,
}
const guid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`

async function startFake(armPageLimit?: number) {
  const fake = await startAzureFake({
    identities: [RUNTIME, ADMIN],
    ...(armPageLimit !== undefined && { armPageLimit }),
  })
  const answer = await call(fake, 'POST', `/${FAKE_AZURE.tenantId}/oauth2/v2.0/token`, {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: ADMIN.clientId,
      client_secret: ADMIN.clientSecret,
      scope: 'https://management.azure.com/.default',
    }).toString(),
  })
  const admin = { authorization: `Bearer ${text(answer, 'access_token')}` }
  const put = (path: string, body: unknown) =>
    call(fake, 'PUT', `${path}?${API}`, {
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
  const assign = (name: string, roleDefinitionId: string, principalId = RUNTIME_OBJECT_ID) =>
    put(`${ASSIGNMENTS}/${name}`, { properties: { roleDefinitionId, principalId } })
  const send = (method: string, path: string) =>
    call(fake, method, path.includes('?') ? `${path}&${API}` : `${path}?${API}`, {
      headers: admin,
    })
  return Object.assign(fake, { put, assign, send, adminHeaders: admin })
}

const scopeMapRole = (assignableScopes = [GROUP]) => ({
  properties: {
    roleName: 'scope maps',
    permissions: [{ actions: ['Microsoft.ContainerRegistry/registries/scopeMaps/*'] }],
    assignableScopes,
  },
})

describe('the Azure fake’s role definitions', () => {
  it('creates custom roles with GUID names, unique role names, assignable where defined or below', async () => {
    await using fake = await startFake()
    expect((await fake.put(`${ROLES}/not-a-guid`, scopeMapRole())).body).toMatchObject({
      error: { code: 'InvalidRoleDefinitionId' },
    })
    expect(
      (await fake.put(`${ROLES}/${guid(1)}`, scopeMapRole([SUBSCRIPTION]))).body,
    ).toMatchObject({ error: { code: 'InvalidAssignableScopes' } })
    const created = await fake.put(`${ROLES}/${guid(1)}`, scopeMapRole())
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({
      name: guid(1),
      properties: { roleName: 'scope maps', type: 'CustomRole', assignableScopes: [GROUP] },
    })
    expect((await fake.put(`${ROLES}/${guid(2)}`, scopeMapRole())).body).toMatchObject({
      error: { code: 'RoleDefinitionWithSameNameExists' },
    })
    expect((await fake.send('GET', `${ROLES}/${guid(2)}`)).body).toMatchObject({
      error: { code: 'RoleDefinitionDoesNotExist' },
    })
  })

  it('refuses to delete a role that is still assigned', async () => {
    await using fake = await startFake()
    await fake.put(`${ROLES}/${guid(1)}`, scopeMapRole())
    const roleId = `${GROUP}/providers/Microsoft.Authorization/roleDefinitions/${guid(1)}`
    expect((await fake.assign(guid(7), roleId)).status).toBe(201)
    expect((await fake.send('DELETE', `${ROLES}/${guid(1)}`)).body).toMatchObject({
      error: { code: 'RoleDefinitionHasAssignments' },
    })
    expect((await fake.send('DELETE', `${ASSIGNMENTS}/${guid(7)}`)).status).toBe(200)
    expect((await fake.send('DELETE', `${ROLES}/${guid(1)}`)).status).toBe(200)
    expect((await fake.send('DELETE', `${ROLES}/${guid(1)}`)).status).toBe(204)
  })
})

describe('the Azure fake’s role assignments', () => {
  it('validates the name, the role, the principal and the scope', async () => {
    await using fake = await startFake()
    expect((await fake.assign('nope', ACR_PULL)).body).toMatchObject({
      error: { code: 'InvalidRoleAssignmentId' },
    })
    expect(
      (await fake.assign(guid(1), ACR_PULL.replace('7f951dda', '7f951ddb'))).body,
    ).toMatchObject({ error: { code: 'RoleDefinitionDoesNotExist' } })
    expect((await fake.assign(guid(1), ACR_PULL, guid(99))).body).toMatchObject({
      error: { code: 'PrincipalNotFound' },
    })
    const gone = ASSIGNMENTS.replace(FAKE_AZURE.registryName, 'goneregistry')
    const orphan = await fake.put(`${gone}/${guid(1)}`, {
      properties: { roleDefinitionId: ACR_PULL, principalId: RUNTIME_OBJECT_ID },
    })
    expect(orphan.status).toBe(404)
  })

  it("refuses a principalType that is not one of the API's, or not the principal's own", async () => {
    await using fake = await startFake()
    const withType = (name: string, principalType: unknown) =>
      fake.put(`${ASSIGNMENTS}/${name}`, {
        properties: { roleDefinitionId: ACR_PULL, principalId: RUNTIME_OBJECT_ID, principalType },
      })
    const invalid = await withType(guid(1), 'MSI')
    expect(invalid.status).toBe(400)
    expect(invalid.body).toMatchObject({ error: { code: 'InvalidPrincipalType' } })
    // Every identity of the fake is an application's service principal.
    const unmatched = await withType(guid(1), 'User')
    expect(unmatched.status).toBe(400)
    expect(unmatched.body).toMatchObject({ error: { code: 'UnmatchedPrincipalType' } })
    expect(JSON.stringify(unmatched.body)).toContain("has type 'ServicePrincipal'")
    expect((await fake.send('GET', `${ASSIGNMENTS}/${guid(1)}`)).status).toBe(404)
    const matched = await withType(guid(1), 'ServicePrincipal')
    expect(matched.status).toBe(201)
    expect(matched.body).toMatchObject({ properties: { principalType: 'ServicePrincipal' } })
  })

  it('holds one principal+role+scope once, and never changes what a name assigns', async () => {
    await using fake = await startFake()
    expect((await fake.assign(guid(1), ACR_PULL)).status).toBe(201)
    expect((await fake.assign(guid(1), ACR_PULL)).status).toBe(201)
    const duplicate = await fake.assign(guid(2), ACR_PULL)
    expect(duplicate.status).toBe(409)
    expect(duplicate.body).toMatchObject({ error: { code: 'RoleAssignmentExists' } })
    expect(JSON.stringify(duplicate.body)).toContain(guid(1).replaceAll('-', ''))
    const acrDelete = ACR_PULL.replace(/[^/]+$/, 'c2f4ef07-c644-48eb-af81-4b1b4947fb11')
    expect((await fake.assign(guid(1), acrDelete)).body).toMatchObject({
      error: { code: 'RoleAssignmentUpdateNotPermitted' },
    })
    expect((await fake.send('GET', `${ASSIGNMENTS}/${guid(2)}`)).status).toBe(404)
    expect((await fake.send('DELETE', `${ASSIGNMENTS}/${guid(2)}`)).status).toBe(204)
  })

  it('lists at, above and below a scope; atScope() and a principal narrow it', async () => {
    await using fake = await startFake()
    await fake.assign(guid(1), ACR_PULL)
    await fake.put(`${GROUP}/providers/Microsoft.Authorization/roleAssignments/${guid(2)}`, {
      properties: { roleDefinitionId: ACR_PULL, principalId: RUNTIME_OBJECT_ID },
    })
    const names = async (scope: string, filter = '') => {
      const query = filter === '' ? '' : `?$filter=${encodeURIComponent(filter)}`
      const answer = await fake.send(
        'GET',
        `${scope}/providers/Microsoft.Authorization/roleAssignments${query}`,
      )
      return (answer.body as { value: { name: string }[] }).value.map((a) => a.name).sort()
    }
    expect(await names(REGISTRY)).toEqual([guid(1), guid(2)])
    expect(await names(GROUP)).toEqual([guid(1), guid(2)])
    expect(await names(GROUP, 'atScope()')).toEqual([guid(2)])
    expect(await names(REGISTRY, `principalId eq '${RUNTIME_OBJECT_ID}'`)).toEqual([
      guid(1),
      guid(2),
    ])
    expect(await names(REGISTRY, `principalId eq '${guid(5)}'`)).toEqual([])
    const bad = await fake.send(
      'GET',
      `${ASSIGNMENTS}?$filter=${encodeURIComponent('roleName eq x')}`,
    )
    expect(bad.status).toBe(400)
  })

  it('lists a page at a time, each nextLink keeping the filter; a $skipToken of another list is refused', async () => {
    await using fake = await startFake(2)
    const roles = [
      ACR_PULL,
      ACR_PULL.replace(/[^/]+$/, '8311e382-0749-4cb8-b61a-304f252e45ec'),
      ACR_PULL.replace(/[^/]+$/, 'c2f4ef07-c644-48eb-af81-4b1b4947fb11'),
    ]
    for (const [i, role] of roles.entries()) {
      expect((await fake.assign(guid(i + 1), role)).status).toBe(201)
    }
    const filter = encodeURIComponent(`principalId eq '${RUNTIME_OBJECT_ID}'`)
    const sizes: number[] = []
    const names: string[] = []
    let link: string | undefined = `${fake.url}${ASSIGNMENTS}?$filter=${filter}&${API}`
    while (link !== undefined) {
      expect(new URL(link).searchParams.get('$filter')).toBe(decodeURIComponent(filter))
      const answer = await call(fake, 'GET', link, { headers: fake.adminHeaders })
      expect(answer.status).toBe(200)
      const page = answer.body as { value: { name: string }[]; nextLink?: string }
      sizes.push(page.value.length)
      names.push(...page.value.map((a) => a.name))
      link = page.nextLink
    }
    expect(sizes).toEqual([2, 1])
    expect(names.sort()).toEqual([guid(1), guid(2), guid(3)])
    const first = (await fake.send('GET', ASSIGNMENTS)).body as { nextLink: string }
    const token = new URL(first.nextLink).searchParams.get('$skipToken') ?? ''
    for (const path of [
      `${ASSIGNMENTS}?$filter=atScope()&$skipToken=${encodeURIComponent(token)}`,
      `${ASSIGNMENTS}?$skipToken=made-up`,
    ]) {
      expect((await fake.send('GET', path)).body).toMatchObject({ error: { code: 'BadRequest' } })
    }
  })

  it('decide what an identity whose permissions come from them may do, at ARM and at the registry', async () => {
    await using fake = await startFake()
    const runtime = { authorization: `Bearer ${await aadToken(fake)}` }
    const scopeMaps = `${REGISTRY}/scopeMaps?api-version=2025-11-01`
    expect((await call(fake, 'GET', scopeMaps, { headers: runtime })).status).toBe(403)
    const pulled = async () => {
      const answer = await requestAccessToken(fake, 'repository:app:pull,push')
      return fake.decodeToken(text(answer, 'access_token'))?.access
    }
    expect(await pulled()).toEqual([{ type: 'repository', name: 'app', actions: [] }])
    const catalog = async () => {
      const answer = await requestAccessToken(fake, 'registry:catalog:*')
      return fake.decodeToken(text(answer, 'access_token'))?.access
    }
    expect(await catalog()).toEqual([{ type: 'registry', name: 'catalog', actions: [] }])
    await fake.put(`${ROLES}/${guid(1)}`, scopeMapRole())
    await fake.assign(
      guid(3),
      `${GROUP}/providers/Microsoft.Authorization/roleDefinitions/${guid(1)}`,
    )
    await fake.assign(guid(4), ACR_PULL)
    expect((await call(fake, 'GET', scopeMaps, { headers: runtime })).status).toBe(200)
    expect(await pulled()).toEqual([
      { type: 'repository', name: 'app', actions: ['pull', 'metadata_read'] },
    ])
    expect(await catalog()).toEqual([{ type: 'registry', name: 'catalog', actions: ['*'] }])
    // Another registry is out of the assignments' scope.
    const other = await fake.seedRegistry({ name: 'otherregistry' })
    const otherMaps = `${other.id}/scopeMaps?api-version=2025-11-01`
    expect((await call(fake, 'GET', otherMaps, { headers: runtime })).status).toBe(403)
  })
})
