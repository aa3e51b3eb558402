// A tiny static file server for the end-to-end tests: serves a folder (dist/ by default)
// on a loopback address with the right MIME types (application/wasm above all, which
// WebAssembly.instantiateStreaming insists on).
//
// As a module:  const server = await startServer({ root: 'dist' }); ... await server.close();
// From a shell: node tests/e2e/serve.mjs [ROOT] [PORT]    (PORT 0 or absent: a free port)
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json',
};

export function mimeType(file) {
  return MIME_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

async function isFile(p) {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

// Map a URL path to a file under root; null when it would leave root.
function resolveInside(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  const file = path.resolve(root, '.' + path.posix.normalize('/' + decoded));
  return file === root || file.startsWith(root + path.sep) ? file : null;
}

/**
 * Start serving `root` on `host:port` (port 0: any free port).
 * Paths without an extension that match no file fall back to index.html (client-side routes).
 * Resolves to { url, port, close() }.
 */
export async function startServer({ root = 'dist', host = '127.0.0.1', port = 0, log = false } = {}) {
  const absRoot = path.resolve(root);
  if (!(await isFile(path.join(absRoot, 'index.html')))) {
    throw new Error(`${absRoot}/index.html not found: build the app first (make dist)`);
  }
  const server = createServer(async (req, res) => {
    // A path such as `//` is not a relative URL: read it as a path on this host.
    const { pathname } = new URL(`http://localhost${req.url ?? '/'}`);
    let file = resolveInside(absRoot, pathname);
    if (file !== null && !(await isFile(file))) {
      const index = path.join(file, 'index.html');
      if (await isFile(index)) {
        file = index;
      } else if (path.extname(pathname) === '') {
        file = path.join(absRoot, 'index.html');
      } else {
        file = null;
      }
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    } else if (file === null) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
    } else {
      const { size } = await stat(file);
      res.writeHead(200, {
        'Content-Type': mimeType(file),
        'Content-Length': size,
        'Cache-Control': 'no-store',
      });
      if (req.method === 'HEAD') res.end();
      else createReadStream(file).pipe(res);
    }
    if (log) console.log(`${req.method} ${pathname} -> ${res.statusCode}`);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const actualPort = server.address().port;
  return {
    url: `http://${host}:${actualPort}/`,
    port: actualPort,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

// Run directly: serve until interrupted.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [root = 'dist', port = '0'] = process.argv.slice(2);
  const server = await startServer({ root, port: Number(port), log: true });
  console.log(`serving ${path.resolve(root)} at ${server.url}`);
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
