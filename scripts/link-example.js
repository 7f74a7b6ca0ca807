#!/usr/bin/env node
// Makes `import ... from 'cdk8s-hardening'` in an example app resolve to this checkout's
// build output (lib/), exactly as it resolves to node_modules/cdk8s-hardening for a user.
const fs = require('fs');
const path = require('path');

const appDir = path.resolve(process.argv[2] ?? 'examples/api-service');
const root = path.resolve(__dirname, '..');
const modules = path.join(appDir, 'node_modules');
const link = path.join(modules, 'cdk8s-hardening');

if (!fs.existsSync(path.join(root, 'lib', 'index.js'))) {
  console.error('lib/index.js is missing: compile the library first (npx projen compile)');
  process.exit(1);
}
fs.mkdirSync(modules, { recursive: true });
fs.rmSync(link, { recursive: true, force: true });
fs.symlinkSync(path.relative(modules, root), link, 'dir');
console.log(`${path.relative(root, link)} -> ${path.relative(root, root) || '.'}`);
