// The Cloud Storage emulator of the Firebase emulator suite, started without the CLI (which needs Java 21 and
// downloads the rules runtime before it starts), with the calls it gets wrong answered in front of it.
// Usage: node gcs-emulator.js <firebase-tools package dir> <host> <port> <bucket>
// Used by tests/IntegrationTests/Infrastructure/GcsEmulator.cs (which says why each gap is filled) and scripts/bench.
const [root, host, port, bucket] = process.argv.slice(2);
const { StorageEmulator } = require(root + "/lib/emulator/storage");
const { createApp } = require(root + "/lib/emulator/storage/server");
const { EmulatorRegistry } = require(root + "/lib/emulator/registry");
const express = require(require.resolve("express", { paths: [root] }));
const emulator = new StorageEmulator({ projectId: "demo-registry", host, port: +port, rules: { name: "storage.rules", content: "" } });
const buckets = new Set([bucket]);
const noBucket = (res) => res.status(404).json({ error: { code: 404, message: "The specified bucket does not exist.", errors: [{ reason: "notFound", domain: "global", message: "The specified bucket does not exist." }] } });
const gaps = express();
gaps.post("/storage/v1/b", express.json(), (req, res) => {
  if (buckets.has(req.body.name)) return res.status(409).json({ error: { code: 409, message: "Your previous request to create the named bucket succeeded and you already own it." } });
  buckets.add(req.body.name);
  res.json({ kind: "storage#bucket", name: req.body.name, id: req.body.name });
});
gaps.get("/storage/v1/b/:bucket", (req, res) => buckets.has(req.params.bucket) ? res.json({ kind: "storage#bucket", name: req.params.bucket, id: req.params.bucket }) : noBucket(res));
gaps.use(/.*\/b\/([^/]+)\/.*/, (req, res, next) => buckets.has(decodeURIComponent(req.params[0])) ? next() : noBucket(res));
const chunks = new Map();
gaps.put("/upload/storage/v1/b/:bucket/o", express.raw({ type: () => true, limit: "1gb" }), (req, res, next) => {
  const id = String(req.query.upload_id);
  const parts = chunks.get(id) ?? [];
  parts.push(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
  if (/\/\*$/.test(req.header("content-range") ?? "")) {
    chunks.set(id, parts);
    return res.status(308).header("range", `bytes=0-${parts.reduce((n, b) => n + b.length, 0) - 1}`).end();
  }
  chunks.delete(id);
  req.body = Buffer.concat(parts);
  next();
});
emulator.start = async () => {
  const app = await createApp("demo-registry", emulator);
  gaps.use(app);
  await new Promise((resolve) => gaps.listen(+port, host, resolve));
};
EmulatorRegistry.start(emulator).then(() => console.log("gcs emulator listening"));
