import { adminInputs } from './admin.ts'
import { authInputs, tokenInputs } from './auth.ts'
import type { BadInput } from './catalogue.ts'
import { digestInputs } from './digests.ts'
import { manifestInputs } from './manifests.ts'
import { nameInputs } from './names.ts'
import { pathInputs } from './paths.ts'
import { headerInputs, protocolInputs } from './protocol.ts'
import { queryInputs, uploadInputs } from './queries.ts'
import { rangeInputs } from './ranges.ts'

export type { BadInput, ProbeContext, StoredWrite } from './catalogue.ts'

/** Every bad input the probe sends, each one distinct. */
export function allBadInputs(): BadInput[] {
  return [
    ...pathInputs(),
    ...digestInputs(),
    ...rangeInputs(),
    ...headerInputs(),
    ...protocolInputs(),
    ...manifestInputs(),
    ...nameInputs(),
    ...authInputs(),
    ...tokenInputs(),
    ...adminInputs(),
    ...queryInputs(),
    ...uploadInputs(),
  ]
}
