/** Builds the web page into `outDir` (default dist/web); resolves with the files written. */
export function buildWeb(options?: { outDir?: string }): Promise<string[]>;
