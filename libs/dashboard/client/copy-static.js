// Part of `npm run build` (after tsc compiled ./src): the page, its styles and Chart.js's
// browser file go beside the compiled modules, so that dist/ alone serves the dashboard.
const { cpSync } = require('node:fs');
const { dirname, join } = require('node:path');

const out = join(__dirname, '..', '..', '..', 'dist', 'libs', 'dashboard', 'public');
cpSync(join(__dirname, 'static'), out, { recursive: true });
// No CDN: the machine that serves the page may have no internet.
cpSync(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'), join(out, 'vendor', 'chart.umd.min.js'));
