#!/usr/bin/env node
// The ops CLI, from the build (`npm run build`).
require('../dist/apps/cli/src/main.js');
