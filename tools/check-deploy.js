#!/usr/bin/env node
// `npm run check:deploy`: checks the deployment files as far as a machine with no container engine
// and no cluster can.
//  1. docker-compose.yml, through `docker-compose config` (the compose file schema and interpolation).
//  2. The Kubernetes manifests: rendered with `kubectl kustomize`, then every object type-checked
//     against Kubernetes' API types (the kubernetes-types package) by the TypeScript compiler:
//     unknown fields (a typo such as `readinesProbe`), wrong types and missing required fields all
//     fail. `kubectl apply --dry-run=client --validate` cannot do it here: it downloads the schema
//     from a cluster.
//  3. What ties them to the code: the probes' routes, the grace period against STOP_TIMEOUT_SECONDS,
//     socket.io's cookie affinity, the node flags of `npm start` in the image, the files the
//     Dockerfile copies.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');
const ts = require('typescript');

const root = path.join(__dirname, '..');
const failures = [];
const fail = (message) => failures.push(message);
const pass = (message) => console.log(`ok   ${message}`);

function run(command, args) {
  return execFileSync(command, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
}

function checkCompose() {
  for (const profile of [[], ['--profile', 'chatwoot']]) {
    try {
      const services = run('docker-compose', [...profile, 'config', '--services']).trim().split('\n');
      run('docker-compose', [...profile, 'config', '--quiet']);
      pass(`docker-compose ${[...profile, 'config'].join(' ')}: ${services.length} services (${services.join(', ')})`);
    } catch (error) {
      fail(`docker-compose ${[...profile, 'config'].join(' ')} failed: ${error.stderr || error.message}`);
    }
  }
}

/** `apps/v1` → kubernetes-types/apps/v1; `v1` → kubernetes-types/core/v1; `networking.k8s.io/v1` → networking/v1. */
function typesModule(apiVersion) {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['core', apiVersion];
  return `kubernetes-types/${group.replace(/\.k8s\.io$/, '')}/${version}`;
}

/** Type-checks the objects as literals: TypeScript's excess-property check finds unknown fields at every depth. */
function typeCheck(objects, label, typesDir) {
  const file = path.join(root, 'deploy', `.check-${label}.ts`);
  const lines = [];
  objects.forEach((object, i) => {
    lines.push(`import type * as m${i} from '${typesModule(object.apiVersion)}';`);
  });
  objects.forEach((object, i) => {
    lines.push(`// ${object.kind} ${object.metadata?.name}`);
    lines.push(`export const o${i}: m${i}.${object.kind} = ${JSON.stringify(object, null, 2)};`);
  });
  const text = lines.join('\n');
  const options = { strict: true, noEmit: true, types: [], module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10, ignoreDeprecations: '6.0', target: ts.ScriptTarget.ES2022, skipLibCheck: true,
    // Where Node finds the package (NODE_PATH included), so the compiler reads the same one.
    paths: { 'kubernetes-types/*': [`${typesDir}/*`] } };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.fileExists = ((exists) => (name) => name === file || exists(name))(host.fileExists.bind(host));
  host.readFile = (name) => (name === file ? text : readFile(name));
  host.getSourceFile = (name, language) => (name === file ? ts.createSourceFile(name, text, language, true) : getSourceFile(name, language));
  const program = ts.createProgram([file], options, host);
  const diagnostics = ts.getPreEmitDiagnostics(program);
  for (const d of diagnostics) {
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
    const owner = where ? text.split('\n').slice(0, where).reverse().find((l) => l.startsWith('// ')) : undefined;
    fail(`${label}: ${owner ? owner.slice(3) + ': ' : ''}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  }
  return diagnostics.length === 0;
}

function render(dir) {
  return YAML.parseAllDocuments(run('kubectl', ['kustomize', dir])).map((doc) => doc.toJS());
}

function checkKubernetes() {
  try {
    run('kubectl', ['version', '--client']);
  } catch {
    // Debian's kubernetes-client (1.20) embeds a kustomize too old for these files; kubectl comes
    // from the Kubernetes project's own packages. Said loudly, not passed silently.
    console.log('SKIP the Kubernetes manifests: no kubectl here (install kubectl 1.27 or newer to check them)');
    return;
  }
  let typesDir;
  try {
    typesDir = path.dirname(require.resolve('kubernetes-types/package.json', { paths: [root] }));
  } catch {
    fail('kubernetes-types is not installed (a devDependency): npm ci');
    return;
  }
  for (const [label, dir] of [['base', 'deploy/k8s/base'], ['example', 'deploy/k8s/overlays/example']]) {
    let objects;
    try {
      objects = render(dir);
    } catch (error) {
      fail(`kubectl kustomize ${dir} failed: ${error.stderr || error.message}`);
      continue;
    }
    const kinds = objects.map((o) => o.kind).sort().join(', ');
    if (typeCheck(objects, label, typesDir)) pass(`kubectl kustomize ${dir}: ${objects.length} objects (${kinds}), each valid against kubernetes-types`);
    if (label === 'example') checkInvariants(objects);
  }
}

function checkInvariants(objects) {
  const find = (kind, name) => objects.find((o) => o.kind === kind && o.metadata.name === name);
  const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('agent-bridge-config'));
  const stopTimeout = Number(config?.data?.STOP_TIMEOUT_SECONDS ?? 25);
  const health = fs.readFileSync(path.join(root, 'libs/ops/src/health.controller.ts'), 'utf8');
  const routes = new Set([...health.matchAll(/@Get\('([a-z]+)'\)/g)].map((m) => `/health/${m[1]}`));
  for (const name of ['agent-bridge', 'agent-bridge-worker']) {
    const deployment = find('Deployment', name);
    if (!deployment) {
      fail(`no Deployment ${name}`);
      continue;
    }
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];
    const preStop = Number(container.lifecycle?.preStop?.exec?.command?.[1] ?? 0);
    const grace = pod.terminationGracePeriodSeconds ?? 30;
    if (grace > preStop + stopTimeout) pass(`${name}: terminationGracePeriodSeconds ${grace} > pre-stop ${preStop} s + STOP_TIMEOUT_SECONDS ${stopTimeout}`);
    else fail(`${name}: terminationGracePeriodSeconds ${grace} is not longer than pre-stop ${preStop} s + STOP_TIMEOUT_SECONDS ${stopTimeout}`);
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
      const route = container[probe]?.httpGet?.path;
      if (route && !routes.has(route)) fail(`${name}: ${probe} asks ${route}, which the health controller does not serve (${[...routes].join(', ')})`);
    }
  }
  const bridge = find('Deployment', 'agent-bridge')?.spec.template.spec.containers[0];
  if (bridge?.readinessProbe?.httpGet?.path === '/health/ready' && bridge?.livenessProbe?.httpGet?.path === '/health/live') {
    pass('bridge probes: readiness /health/ready, liveness /health/live (both served by libs/ops health controller)');
  } else fail('bridge probes must be readiness /health/ready and liveness /health/live');
  const annotations = objects.find((o) => o.kind === 'Ingress')?.metadata.annotations ?? {};
  if (annotations['nginx.ingress.kubernetes.io/affinity'] === 'cookie') pass('Ingress: cookie affinity for socket.io');
  else fail('Ingress: no cookie affinity (socket.io long-polling needs sticky sessions)');
  for (const kind of ['HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Secret', 'ConfigMap', 'Service', 'Ingress']) {
    if (!objects.some((o) => o.kind === kind)) fail(`the example overlay renders no ${kind}`);
  }
}

function checkImage() {
  const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const known = new Set(['FROM', 'ARG', 'ENV', 'WORKDIR', 'COPY', 'RUN', 'USER', 'EXPOSE', 'HEALTHCHECK', 'STOPSIGNAL', 'ENTRYPOINT', 'CMD', 'LABEL']);
  const unknown = instructions.filter((l) => !known.has(l.split(/\s+/)[0]));
  if (unknown.length) fail(`Dockerfile: unknown instructions: ${unknown.join(' | ')}`);
  const stages = new Set(instructions.filter((l) => l.startsWith('FROM ')).map((l) => l.split(/\s+AS\s+/i)[1]).filter(Boolean));
  const ignored = fs.readFileSync(path.join(root, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  for (const copy of instructions.filter((l) => l.startsWith('COPY '))) {
    const parts = copy.split(/\s+/).slice(1);
    const from = parts.find((p) => p.startsWith('--from='));
    const sources = parts.filter((p) => !p.startsWith('--')).slice(0, -1);
    if (from) {
      if (!stages.has(from.slice(7))) fail(`Dockerfile: ${copy}: no stage ${from.slice(7)}`);
      continue;
    }
    for (const source of sources) {
      if (!fs.existsSync(path.join(root, source))) fail(`Dockerfile: ${copy}: ${source} does not exist`);
      if (ignored.some((pattern) => source === pattern || source.startsWith(`${pattern}/`))) fail(`Dockerfile: ${copy}: ${source} is excluded by .dockerignore`);
    }
  }
  const last = instructions.slice(instructions.map((l) => l.startsWith('FROM ')).lastIndexOf(true));
  const user = last.filter((l) => l.startsWith('USER ')).pop();
  if (!user || /^USER\s+(root|0)(:|$)/.test(user)) fail('Dockerfile: the final stage must run as a non-root USER');
  if (!last.some((l) => l.startsWith('HEALTHCHECK '))) fail('Dockerfile: the final stage has no HEALTHCHECK');
  if (last.some((l) => /npm (ci|install)(?!.*--omit=dev)/.test(l))) fail('Dockerfile: the final stage installs dev dependencies');
  const start = require(path.join(root, 'package.json')).scripts.start;
  const flags = (start.match(/node ((?:--\S+ )+)/)?.[1] ?? '').trim();
  const entrypoint = fs.readFileSync(path.join(root, 'deploy/docker/entrypoint.sh'), 'utf8');
  if (!flags || !entrypoint.includes(`NODE_FLAGS="${flags}"`)) fail(`the image's entrypoint does not run node with npm start's flags (${flags || 'none found'})`);
  if (!failures.some((f) => f.startsWith('Dockerfile') || f.includes('entrypoint'))) {
    pass(`Dockerfile: ${stages.size} build stages, final stage as ${user.slice(5)} with HEALTHCHECK, COPY sources present, node flags "${flags}" as in npm start`);
  }
  try {
    run('sh', ['-n', 'deploy/docker/entrypoint.sh']);
    run(process.execPath, ['--check', 'deploy/docker/healthcheck.js']);
    pass('deploy/docker/entrypoint.sh and healthcheck.js parse');
  } catch (error) {
    fail(`deploy/docker scripts: ${error.stderr || error.message}`);
  }
}

checkCompose();
checkKubernetes();
checkImage();
if (failures.length) {
  for (const f of failures) console.error(`FAIL ${f}`);
  process.exit(1);
}
