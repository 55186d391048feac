import { adminInputs } from './admin.js'
import { authInputs, tokenInputs } from './auth.js'
import type { BadInput } from './catalogue.js'
import { digestInputs } from './digests.js'
import { manifestInputs } from './manifests.js'
import { nameInputs } from './names.js'
import { pathInputs } from './paths.js'
import { headerInputs, protocolInputs } from './protocol.js'
import { queryInputs, uploadInputs } from './queries.js'
import { rangeInputs } from './ranges.js'

export type { BadInput, ProbeContext, StoredWrite } from './catalogue.js'

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
