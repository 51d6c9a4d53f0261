// An adapter whose publish is held until the test lets it go: stands in for a slow platform call
// (Instagram's container poll, a platform that answers late) while the test looks at leases.
import type { PlatformAdapter } from "../../src/platforms/types";

export interface HeldAdapter {
  adapter: PlatformAdapter;
  /** Settles when publish has been called and is waiting. */
  inCall: Promise<void>;
  /** Lets the held publish go on to the real adapter. */
  release(): void;
}

export function holdPublish(adapter: PlatformAdapter): HeldAdapter {
  let entered!: () => void;
  const inCall = new Promise<void>((resolve) => {
    entered = resolve;
  });
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  return {
    adapter: {
      ...adapter,
      publish: async (ctx, request) => {
        entered();
        await gate;
        return adapter.publish(ctx, request);
      },
    },
    inCall,
    release,
  };
}
