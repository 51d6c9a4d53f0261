// The public addresses a subscriber is sent to: confirmation and unsubscribe links carry a random
// token (stored only as a digest), so they work without signing in and cannot be guessed.
export const SUBSCRIBE_PATH = "/prenumerera";
export const confirmPath = (token: string) => `/prenumerera/bekrafta/${token}`;
export const unsubscribePath = (token: string) => `/avsluta/${token}`;
