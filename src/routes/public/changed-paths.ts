// The domain computes what a change makes stale now (verbs purge it themselves after commit);
// this re-export keeps older importers working.
export { changedPublicPaths } from "../../domain/publishing/public-paths";
