export { createTestEnvironment, testConfig, TEST_BOT } from './test-environment';
export type { TestEnvironment } from './test-environment';
export { waitFor } from './wait-for';
