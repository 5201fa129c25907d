// The values the vitest global setup provides to every test file.
declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}
export {};
