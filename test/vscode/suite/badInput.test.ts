// Bad input to the commands is refused with a message that says what is wrong,
// before any request: the registry is stopped after connecting, so a command
// that sent anything would fail with "could not reach" instead.

import * as assert from "assert";
import * as os from "os";
import * as path from "path";
import * as fs from "fs";
import { type RunningRegistry, startRegistry } from "../../fixtures/registryServer";
import { command, connect, disconnectAll, getApi } from "./extensionTestHelpers";

const BAD_ENDPOINTS: [string, RegExp][] = [
  ["ftp://registry.example.com", /scheme must be https/],
  ["http://registry.example.com", /only used for loopback/],
  ["registry.example.com/v2/app", /without a path/],
  ["https://user:pass@registry.example.com", /not in the URL/],
  ["", /it is empty/],
];

describe("bad input to commands", function () {
  this.timeout(60_000);
  let registry: RunningRegistry;
  let file: string;

  before(async () => {
    const api = await getApi();
    await disconnectAll(api);
    registry = await startRegistry({ auth: "anonymous" });
    await connect(registry);
    await registry.stop();
    file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cre-bad-input-")), "file.txt");
    fs.writeFileSync(file, "content");
  });

  after(async () => {
    await disconnectAll(await getApi());
  });

  for (const [endpoint, reason] of BAD_ENDPOINTS) {
    it(`connect refuses the endpoint ${JSON.stringify(endpoint)}`, async () => {
      await assert.rejects(command("connect", { endpoint, anonymous: true }), (error: Error) => reason.test(error.message));
    });
  }

  const CASES: [string, string, Record<string, unknown>, RegExp][] = [
    ["push", "an uppercase repository", { repository: "Team/App", tag: "v1" }, /must be lowercase/],
    ["push", "a tag with a slash", { repository: "team/app", tag: "v1/2" }, /tags start with/],
    ["pull", "a short digest", { repository: "team/app", reference: "sha256:123" }, /64 lowercase hex/],
    ["pull", "a repository with a space", { repository: "team app", reference: "v1" }, /lowercase letters, digits/],
    ["downloadBlob", "a digest without algorithm", { repository: "team/app", digest: "a".repeat(64) }, /sha256:<64 hex/],
    ["uploadBlob", "a repository path with an empty component", { repository: "team//app" }, /must not be empty/],
    ["deleteTag", "a tag starting with a dot", { repository: "team/app", reference: ".hidden", skipConfirmation: true }, /tags start with/],
    [
      "deleteManifest",
      "an unknown digest algorithm",
      { repository: "team/app", reference: `md5:${"a".repeat(32)}`, skipConfirmation: true },
      /unsupported algorithm/,
    ],
    ["deleteRepository", "a name too long", { repository: "a".repeat(300), skipConfirmation: true }, /longer than 255/],
    ["copyReference", "a bad tag", { repository: "team/app", reference: "-x" }, /tags start with/],
  ];
  for (const [id, what, options, reason] of CASES) {
    it(`${id} refuses ${what} before sending anything`, async () => {
      await assert.rejects(
        command(id, { registry: registry.host, files: [file], destination: path.dirname(file), ...options }),
        (error: Error) => {
          assert.match(error.message, reason);
          assert.doesNotMatch(error.message, /could not reach/);
          return true;
        },
      );
    });
  }
});
