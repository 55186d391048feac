export {
  type FakeRequest,
  type FakeResponse,
  type FakeServer,
  type FakeServerOptions,
  type RecordedRequest,
  startFakeServer,
} from './fake-server.js'
