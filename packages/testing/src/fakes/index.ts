export {
  type BeforeOperation,
  type FakeRequest,
  type FakeResponse,
  type FakeServer,
  type FakeServerOptions,
  type InjectedAnswer,
  type RecordedRequest,
  type StreamedRoute,
  startFakeServer,
} from './fake-server.js'
export { FAULT_KINDS, type FaultKind, type FaultOptions } from './faults.js'
export type { InjectOptions } from './operation-queues.js'
