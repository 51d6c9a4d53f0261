// What adapters need from the outside world besides HTTP and the clock (both come with each call
// in AdapterContext). Injected so tests never sleep, and so the same adapters run on Node and Workers.
export interface AdapterEnvironment {
  sleep(ms: number): Promise<void>;
}

export const systemEnvironment: AdapterEnvironment = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
