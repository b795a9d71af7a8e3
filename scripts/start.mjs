// `npm start`: installs what is missing, builds, serves www/ and prints the URL.

import { build } from "./build.mjs";
import { startServer } from "./serve.mjs";
import { setup } from "./setup.mjs";

setup({ browser: false });
await build();
const { url } = await startServer({ port: Number(process.env.PORT ?? 8080) });
console.log(`\nVitrine is served at ${url} (Ctrl+C to stop)`);
