import type { Server } from 'node:http';

/** See static-server.mjs. */
export function serveStatic(root: string, prefix?: string): Promise<{ server: Server; base: string }>;
