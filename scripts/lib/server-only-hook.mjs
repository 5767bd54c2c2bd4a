// `server-only` throws unless resolved with the react-server condition (which Next's own server
// must not run under). The custom server loads server/ modules directly, so it maps the marker
// package to its empty module, as Next's bundler does for server code.
import { register } from "node:module";

const empty = new URL("../../node_modules/server-only/empty.js", import.meta.url).href;
register(
  "data:text/javascript," +
    encodeURIComponent(`
      export async function resolve(specifier, context, next) {
        if (specifier === "server-only") return { url: ${JSON.stringify(empty)}, shortCircuit: true };
        return next(specifier, context);
      }
    `),
  import.meta.url,
);
