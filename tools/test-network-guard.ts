// Every workspace's vitest project loads this before each test file (see vitest.shared.ts): the
// test process may only reach this machine, so no test can talk to a real cloud by mistake.
import { installNetworkGuard } from './network-guard/install.js'

installNetworkGuard()
