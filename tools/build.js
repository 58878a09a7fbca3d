#!/usr/bin/env node
// `npm run build`: compiles only when a source changed. `tsc -b` keeps its build info in dist/, so an
// emptied or deleted dist builds from scratch; a source newer than the last build, or a build that
// had errors, compiles again. Outputs whose source is gone are removed, so a stale module in dist
// cannot stand in for one that was deleted or renamed.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { replaceTscAliasPaths } = require('tsc-alias');

const root = path.join(__dirname, '..');
const dist = path.join(root, 'dist');
const CONFIG = 'tsconfig.build.json';
const PAGE = path.join('libs', 'console', 'page');

function compile() {
  try {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', CONFIG], { cwd: root, stdio: 'inherit' });
  } catch {
    process.exit(1);
  }
}

/** dist/<dir>/x.js, x.js.map, x.d.ts with no <dir>/x.ts beside the sources. */
function pruneOrphans(dir) {
  if (!fs.existsSync(dir)) return 0;
  let removed = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const relative = path.relative(dist, full);
    if (entry.isDirectory()) {
      if (relative === PAGE) continue; // copied, not compiled: replaced whole below
      removed += pruneOrphans(full);
      if (fs.readdirSync(full).length === 0) fs.rmdirSync(full);
      continue;
    }
    const source = relative.replace(/\.(js|js\.map|d\.ts)$/, '.ts');
    if (source === relative) continue;
    if (!fs.existsSync(path.join(root, source))) {
      fs.rmSync(full);
      removed += 1;
    }
  }
  return removed;
}

async function main() {
  compile();
  await replaceTscAliasPaths({ configFile: path.join(root, CONFIG) });
  let removed = 0;
  for (const top of ['apps', 'libs', 'migrations']) removed += pruneOrphans(path.join(dist, top));
  if (removed) console.log(`build: removed ${removed} output file(s) whose source is gone`);
  // Replaced whole each time (it is small), so a page deleted from the sources leaves dist too.
  fs.rmSync(path.join(dist, PAGE), { recursive: true, force: true });
  fs.cpSync(path.join(root, PAGE), path.join(dist, PAGE), { recursive: true });
}

main().catch((error) => {
  console.error(`build failed: ${error.message}`);
  process.exit(1);
});
