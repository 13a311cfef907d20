import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { playgroundEnv } from "../../src/playground.js";

const run = promisify(execFile);

describe("the Agents Playground environment", () => {
  it("binds servers that name no host to loopback, as the unauthenticated local bot requires", async () => {
    // The same call shape the Playground uses: listen(port, callback), which alone would bind every interface.
    const script = `const s = require("node:http").createServer(); s.listen(0, () => { console.log(s.address().address); s.close(); });`;
    const { stdout } = await run(process.execPath, ["-e", script], { env: playgroundEnv() });
    expect(stdout.trim()).toBe("127.0.0.1");
    const { stdout: unpatched } = await run(process.execPath, ["-e", script], { env: { PATH: process.env.PATH } });
    expect(unpatched.trim()).not.toBe("127.0.0.1");
  });
});
