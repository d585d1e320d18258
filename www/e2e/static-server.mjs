// A plain static file server for the built site (www/dist), for the tests
// and benchmarks that must see the page exactly as a static host serves it:
// no dev server, no preview server, just files under a path prefix.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

const types = {
  '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css',
  '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.json': 'application/json',
};

/**
 * Serves the files under `root` at `http://127.0.0.1:<free port><prefix>`
 * (`prefix` starts and ends with `/`); anything outside the prefix is a 404
 * and paths escaping `root` are refused.
 */
export async function serveStatic(root, prefix = '/') {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (!url.pathname.startsWith(prefix)) { res.writeHead(404).end(); return; }
    let rel = normalize(decodeURIComponent(url.pathname.slice(prefix.length)));
    if (rel === '.' || rel === '') rel = 'index.html';
    if (rel.startsWith('..')) { res.writeHead(403).end(); return; }
    try {
      const body = await readFile(join(root, rel));
      res.writeHead(200, { 'content-type': types[extname(rel)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return { server, base: `http://127.0.0.1:${port}${prefix}` };
}
