export { createTestEnvironment, testConfig, TEST_BOT, LOOPBACK_SECRET } from './test-environment';
export type { TestEnvironment, TestConfigOverrides } from './test-environment';
export { waitFor } from './wait-for';
export { freePort } from './free-port';
