import type { Server } from "node:http";

/** Serves the built site in `root` (default dist/web) on `port` (0: a free one). */
export function serveWeb(options?: { root?: string; port?: number }): Promise<{
  server: Server;
  url: string;
}>;
