// Unit specs live next to the code; end-to-end specs in test/ run against the real
// Postgres, Redis and BullMQ on localhost and talk over real HTTP to the simulators.
const moduleNameMapper = {
  '^@agent-bridge/(config|console|botkit|persistence|queue|events|handoff|webhooks|workers|testing)$': '<rootDir>/libs/$1/src/index.ts',
  // Relative imports are written with the .js suffix node resolution needs; map them back to .ts.
  '^(\\.{1,2}/.*)\\.js$': '$1',
};
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] };
const common = { moduleNameMapper, transform, testEnvironment: 'node', moduleFileExtensions: ['ts', 'js', 'json'] };

module.exports = {
  testTimeout: 30000,
  projects: [
    { ...common, displayName: 'unit', roots: ['<rootDir>/apps', '<rootDir>/libs'], testRegex: '\\.spec\\.ts$' },
    {
      ...common,
      displayName: 'e2e',
      roots: ['<rootDir>/test'],
      testRegex: '\\.e2e-spec\\.ts$',
      globalSetup: '<rootDir>/test/global-setup.ts',
      setupFilesAfterEnv: ['<rootDir>/test/jest.setup.ts'],
    },
  ],
};
