import { startLocalRegistry } from '../../src/index.js'
import { dataSetSuite } from '../support/data-set-suite.js'
import { dataSets } from '../support/data-sets.js'
import { useRegistry } from '../support/registry.js'

// `main` data sets built from image indexes, including the sha512 set (pushed by digest only)
// and the tag-param sets (tags created with `?tag=` on the digest push, end-7b).
const oci = useRegistry(() => startLocalRegistry())

dataSetSuite('index', dataSets.index, oci)
dataSetSuite('nested-index', dataSets['nested-index'], oci)
dataSetSuite('empty-index', dataSets['empty-index'], oci)
dataSetSuite('sha512', dataSets.sha512, oci)
dataSetSuite('tag-param-sha256', dataSets['tag-param-sha256'], oci)
dataSetSuite('tag-param-sha512', dataSets['tag-param-sha512'], oci)
