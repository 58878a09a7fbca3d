// Import rules between apps, libs and desks, checked by `npm run lint:deps` (part of `npm test`).
// Paths are relative to the repository root. docs/ARCHITECTURE.md explains the layout they guard.

// Test code: specs, the e2e suite, the test helpers lib and each app's own test fixtures.
const TEST_CODE = '(\\.spec\\.ts$|\\.e2e-spec\\.ts$|^test/|^libs/testing/|^apps/[^/]+/src/testing/)';
const SANDBOXES = '^apps/(platform-sim|livechat-sim|chatwoot-sim)/';
// A desk is one folder under libs/providers, or the built-in console.
const PROVIDER_DESK = '^libs/providers/([^/]+)/';
const DESK = '^libs/(providers/[^/]+|console)/';
const DESK_PORT = '^libs/handoff/src/desk-port/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'A cycle between modules means a boundary is wrong (house style 3). A cycle closed only by an ' +
        '`import type` (a part typed by the owner it is handed to) is erased at compile time and allowed.',
      from: {},
      to: {
        circular: true,
        dependencyTypesNot: ['type-only'],
        viaOnly: { dependencyTypesNot: ['type-only'] },
      },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment:
        'An import the cruiser cannot resolve is an edge no other rule sees: a path alias missing from ' +
        'tsconfig.json "paths" would let every rule here pass silently.',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'libs-not-to-apps',
      severity: 'error',
      comment: 'Apps are built on libs, never the other way round.',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'production-not-to-test-code',
      severity: 'error',
      comment: 'Test code is not built (tsconfig.build.json) and must not be reached from production code.',
      from: { path: '^(libs|apps)/', pathNot: TEST_CODE },
      to: { path: TEST_CODE },
    },
    {
      name: 'desk-only-through-port',
      severity: 'error',
      comment:
        'A desk talks to the engine through the desk port only (@agent-bridge/desk-port), ' +
        'never through @agent-bridge/handoff or the engine internals.',
      from: { path: DESK },
      to: { path: '^libs/handoff/', pathNot: DESK_PORT },
    },
    {
      name: 'desk-only-infrastructure-libs',
      severity: 'error',
      comment:
        'Besides the port, a desk uses infrastructure libs only. libs/botkit is allowed while the ' +
        'desks still take HttpTransport, the JWT codec and text normalisation from it.',
      from: { path: DESK, pathNot: TEST_CODE },
      to: {
        path: '^libs/',
        // handoff, providers and console are the rules above and below.
        pathNot: '^libs/(handoff|providers|console|config|persistence|queue|events|observability|http|botkit)/',
      },
    },
    {
      name: 'engine-not-to-desks',
      severity: 'error',
      comment: 'The engine knows desks only as the port interface; apps wire desks in through @agent-bridge/providers.',
      from: { path: '^libs/handoff/' },
      to: { path: '^libs/(providers|console)/' },
    },
    {
      name: 'desks-not-to-other-desks',
      severity: 'error',
      comment:
        'Desks are independent: a provider desk imports neither another provider nor the registry ' +
        '(libs/providers/desks.module.ts, index.ts), which alone lists them.',
      from: { path: PROVIDER_DESK },
      to: { path: '^libs/providers/', pathNot: '^libs/providers/$1/' },
    },
    {
      name: 'provider-desks-not-to-console',
      severity: 'error',
      comment: 'The console is a desk like the others; only the registry may list it.',
      from: { path: PROVIDER_DESK },
      to: { path: '^libs/console/' },
    },
    {
      name: 'console-not-to-provider-desks',
      severity: 'error',
      comment: 'The console is a desk like the others and knows no other desk.',
      from: { path: '^libs/console/' },
      to: { path: '^libs/providers/' },
    },
    {
      name: 'platform-sim-only-botkit',
      severity: 'error',
      comment:
        'The platform sandbox stands in for Kore: it shares only the BotKit contract (event names, ' +
        'the JWT codec for its fixtures), never the bridge itself.',
      from: { path: '^apps/platform-sim/' },
      to: { path: '^libs/', pathNot: '^libs/botkit/src/(index|auth/jwt)\\.ts$' },
    },
    {
      name: 'livechat-sim-no-libs',
      severity: 'error',
      comment: 'The LiveChat sandbox is written from LiveChat\'s contract alone and shares no code with the bridge.',
      from: { path: '^apps/livechat-sim/' },
      to: { path: '^libs/' },
    },
    {
      name: 'chatwoot-sim-no-libs',
      severity: 'error',
      comment: 'The Chatwoot sandbox is written from Chatwoot\'s public API reference alone and shares no code with the bridge.',
      from: { path: '^apps/chatwoot-sim/' },
      to: { path: '^libs/' },
    },
    {
      name: 'production-not-to-sandboxes',
      severity: 'error',
      comment: 'The sandboxes are for trying and testing; the bridge and the worker never load them.',
      from: { path: '^(libs|apps/(bridge|worker))/', pathNot: TEST_CODE },
      to: { path: SANDBOXES },
    },
  ],
  options: {
    doNotFollow: { path: '(^|/)node_modules/' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
    // Type-only imports count: a desk reading an engine type is coupled to it all the same.
    tsPreCompilationDeps: true,
    // Resolves the @agent-bridge/* aliases; without it every alias edge is unresolvable.
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
