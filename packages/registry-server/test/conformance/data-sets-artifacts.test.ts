import { startLocalRegistry } from '../../src/index.js'
import { dataSetSuite } from '../support/data-set-suite.js'
import { dataSets } from '../support/data-sets.js'
import { useRegistry } from '../support/registry.js'

// `main` data sets of artifacts and referrers: artifact manifests and indexes, and manifests
// with a `subject` (present or missing), whose referrers and artifactType filters are checked.
const oci = useRegistry(() => startLocalRegistry())

dataSetSuite('artifact', dataSets.artifact, oci)
dataSetSuite('artifact-index', dataSets['artifact-index'], oci)
dataSetSuite('artifact-without-layers', dataSets['artifact-without-layers'], oci)
dataSetSuite('artifacts-with-subject', dataSets['artifacts-with-subject'], oci)
dataSetSuite('index-with-subject', dataSets['index-with-subject'], oci)
dataSetSuite('missing-subject', dataSets['missing-subject'], oci)
