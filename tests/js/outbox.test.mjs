// The outbox keeps a record until the server answers 200 or 201, whatever happens in between.
import assert from "node:assert/strict";
import { test } from "node:test";

import { Outbox, csrfToken, fetchSender, memoryStore } from "../../src/softspot/web/static/softspot/outbox.js";

/** A fake server that stores each key once, and can be switched off. */
function fakeServer() {
  const server = { up: true, stored: new Map(), posts: 0, answer: null };
  server.send = async (item) => {
    server.posts += 1;
    if (!server.up) throw new TypeError("Failed to fetch");
    if (server.answer) return server.answer;
    if (server.stored.has(item.key)) return 200;
    server.stored.set(item.key, item.body);
    return 201;
  };
  return server;
}

const item = (key) => ({ key, url: "/api/records/", body: { key, note: key }, csrf: "t" });

test("a record sent while the server is up leaves the outbox at once", async () => {
  const server = fakeServer();
  const box = new Outbox(memoryStore(), server.send);
  await box.add(item("a"));
  assert.deepEqual(await box.flush(), { sent: ["a"], kept: [] });
  assert.equal(await box.pending(), 0);
  assert.deepEqual([...server.stored.keys()], ["a"]);
});

test("a record waits while the server is down and arrives exactly once when it is back", async () => {
  const server = fakeServer();
  server.up = false;
  const box = new Outbox(memoryStore(), server.send);
  await box.add(item("a"));
  for (let i = 0; i < 3; i += 1) assert.deepEqual(await box.flush(), { sent: [], kept: ["a"] });
  const [waiting] = await box.store.all();
  assert.equal(waiting.attempts, 3);
  assert.match(waiting.last_error, /network: Failed to fetch/);
  server.up = true;
  assert.deepEqual(await box.flush(), { sent: ["a"], kept: [] });
  assert.deepEqual(await box.flush(), { sent: [], kept: [] });
  assert.equal(server.stored.size, 1);
});

test("only 200 and 201 count as delivered: refusals and server errors keep the record", async () => {
  for (const status of [400, 403, 404, 500, 502, 503]) {
    const server = fakeServer();
    server.answer = status;
    const box = new Outbox(memoryStore(), server.send);
    await box.add(item("a"));
    assert.deepEqual(await box.flush(), { sent: [], kept: ["a"] }, `HTTP ${status}`);
    assert.equal((await box.store.all())[0].last_error, `HTTP ${status}`);
  }
});

test("a record the server already has (answer 200 to a repeat) is removed", async () => {
  const server = fakeServer();
  server.stored.set("a", {});
  const box = new Outbox(memoryStore(), server.send);
  await box.add(item("a"));
  assert.deepEqual(await box.flush(), { sent: ["a"], kept: [] });
  assert.equal(server.stored.size, 1);
});

test("flushes that overlap (online event, timer, page load) send each record once", async () => {
  const server = fakeServer();
  const box = new Outbox(memoryStore(), server.send);
  await box.add(item("a"));
  await box.add(item("b"));
  const [one, two, three] = await Promise.all([box.flush(), box.flush(), box.flush()]);
  assert.equal(one, two);
  assert.equal(two, three);
  assert.equal(server.posts, 2);
});

test("adding the same key twice (a double tap on Save) keeps one record", async () => {
  const box = new Outbox(memoryStore(), fakeServer().send);
  await box.add(item("a"));
  await box.add(item("a"));
  assert.equal(await box.pending(), 1);
});

test("a storage-backed outbox survives a reload", async () => {
  const data = new Map();
  const storage = { getItem: (k) => data.get(k) ?? null, setItem: (k, v) => data.set(k, v) };
  await new Outbox(memoryStore(storage), fakeServer().send).add(item("a"));
  const reloaded = new Outbox(memoryStore(storage), fakeServer().send);
  assert.equal(await reloaded.pending(), 1);
  assert.deepEqual((await reloaded.flush()).sent, ["a"]);
  assert.equal(await new Outbox(memoryStore(storage), fakeServer().send).pending(), 0);
});

test("the CSRF token comes from the cookie when there is one, else from the page", () => {
  assert.equal(csrfToken("a=1; csrftoken=abc%3D; b=2", "page"), "abc=");
  assert.equal(csrfToken("csrftoken=xyz", "page"), "xyz");
  assert.equal(csrfToken("a=1", "page"), "page");
  assert.equal(csrfToken("", "page"), "page");
});

test("the sender posts JSON with the CSRF header and returns the status", async () => {
  const calls = [];
  const fetchImpl = async (url, init) => {
    calls.push({ url, init });
    return { status: 201 };
  };
  const send = fetchSender(fetchImpl, (it) => `token-${it.csrf}`);
  assert.equal(await send(item("a")), 201);
  assert.equal(calls[0].url, "/api/records/");
  assert.equal(calls[0].init.method, "POST");
  assert.equal(calls[0].init.headers["X-CSRFToken"], "token-t");
  assert.deepEqual(JSON.parse(calls[0].init.body), { key: "a", note: "a" });
});
