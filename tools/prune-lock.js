#!/usr/bin/env node
// The npm registry this project installs from does not serve every platform build of a few native
// optional packages (msgpackr-extract, unrs-resolver bindings), so `npm install` writes a lock that
// names them without entries, and `npm ci` then refuses the lock. This drops, from each package's
// optionalDependencies in the lock, the names that have no entry: those are builds for other
// platforms that this registry cannot serve anyway. Run it after any `npm install` that rewrites
// package-lock.json: `node tools/prune-lock.js`.
const fs = require('node:fs');
const path = require('node:path');

const file = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const present = new Set(Object.keys(lock.packages));
let dropped = 0;
for (const [where, entry] of Object.entries(lock.packages)) {
  if (!entry.optionalDependencies) continue;
  for (const name of Object.keys(entry.optionalDependencies)) {
    const nested = `${where ? `${where}/` : ''}node_modules/${name}`;
    if (present.has(nested) || present.has(`node_modules/${name}`)) continue;
    delete entry.optionalDependencies[name];
    dropped++;
  }
  if (Object.keys(entry.optionalDependencies).length === 0) delete entry.optionalDependencies;
}
fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`prune-lock: dropped ${dropped} optional dependencies with no lock entry`);
