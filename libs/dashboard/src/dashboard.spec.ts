import { Script } from 'node:vm';
import { DASHBOARD_JS } from './page/dashboard.client';
import { DASHBOARD_HTML } from './page/dashboard.html';

/** The page's script is a string, so TypeScript never sees it: at least it must parse, and the page must find what it asks for. */
describe('dashboard page', () => {
  it('has a browser script that parses', () => {
    expect(() => new Script(DASHBOARD_JS, { filename: 'app.js' })).not.toThrow();
  });

  it('loads only its own files: the script, the styles and Chart.js from this server', () => {
    const sources = [...DASHBOARD_HTML.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(sources).toEqual(['data:,', '/dashboard/app.css', '/dashboard/vendor/chart.umd.min.js', '/dashboard/app.js']);
  });

  it('has every element the script looks up by id', () => {
    const wanted = new Set([...DASHBOARD_JS.matchAll(/byId\('([^']+)'\)/g)].map((m) => m[1]));
    const present = new Set([...DASHBOARD_HTML.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]));
    expect([...wanted].filter((id) => !present.has(id))).toEqual([]);
  });

  it('reads the API key only from sessionStorage and sends it only as a bearer token', () => {
    expect(DASHBOARD_JS).not.toContain('localStorage');
    expect(DASHBOARD_JS).toContain("authorization: 'Bearer ' + key");
  });
});
