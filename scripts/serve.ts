// One instance from the sources, for running by hand (README: "Several instances"): its read plane
// (scripts/read-plane.ts), which starts the Next server behind it. The start script runs the same
// code bundled, under plain Node (scripts/lib/serve-args.ts), which keeps the read plane smaller.
import "./read-plane";
