// Unit specs live next to the code; end-to-end specs in test/ run against the real
// Postgres, Redis and BullMQ on localhost and talk over real HTTP to the simulators.
const moduleNameMapper = {
  '^@agent-bridge/desk-port$': '<rootDir>/libs/handoff/src/desk-port/index.ts',
  '^@agent-bridge/providers$': '<rootDir>/libs/providers/index.ts',
  '^@agent-bridge/(config|console|botkit|persistence|queue|events|handoff|observability|ops|http|webhooks|workers|testing)$': '<rootDir>/libs/$1/src/index.ts',
  // Relative imports are written with the .js suffix node resolution needs; map them back to .ts.
  '^(\\.{1,2}/.*)\\.js$': '$1',
};
// A few dependencies of the queue dashboard ship ES modules only, which Jest cannot require on
// Node 20 (Node itself can): those are compiled to CommonJS for the tests.
const ESM_ONLY = ['content-disposition'];
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  [`node_modules/(${ESM_ONLY.join('|')})/.+\\.js$`]: ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs', isolatedModules: true } }],
};
const common = {
  moduleNameMapper,
  transform,
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY.join('|')})/)`],
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
};

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
