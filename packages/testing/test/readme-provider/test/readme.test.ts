// The README's Usage block, word for word (tools/test/readme-snippets.test.ts checks it): the
// contract suite registered for a provider package laid out as the README assumes.
// #region usage

import { artifactRegistryContractSuite } from '@artifact-registry/testing'
import { describe, it } from 'vitest'
import { myProvider } from '../src/index.js'

artifactRegistryContractSuite({
  test: { describe, it },
  factory: () =>
    myProvider({
      /* … */
    }),
})
// #endregion
