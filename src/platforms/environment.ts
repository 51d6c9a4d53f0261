// What adapters need from the outside world besides HTTP. Injected so tests never sleep or read
// the wall clock, and so the same adapters run on Node and on Workers.
export interface AdapterEnvironment {
  now(): Date;
  sleep(ms: number): Promise<void>;
}

export const systemEnvironment: AdapterEnvironment = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
