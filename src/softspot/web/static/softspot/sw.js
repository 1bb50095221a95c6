// softspot's service worker: keeps the player working without a network.
//
// The player page tells it what to keep (postMessage {type: "cache", urls}):
// the page itself, its modules and stylesheet, and the cue audio. Pages are
// fetched from the network first and fall back to the kept copy (so do scripts and
// the stylesheet: never an old script with a new page); cue audio, named by its
// content, comes from the kept copy first. Finished records wait in the
// IndexedDB outbox; a Background Sync "softspot-outbox" sends them even after
// the page is closed (the server stores each key once).

const CACHE = "softspot-v1";
const DELIVERED = new Set([200, 201]);

// The same rule as outbox.js `outcomeOf` (tests/js/outbox.test.mjs checks they agree): a refusal is kept
// for the person to see and never resent by itself; only the network, 5xx, 408 and 429 are tried again.
function outcomeOf(status) {
  if (DELIVERED.has(status)) return "delivered";
  if (status === 0 || status === 408 || status === 429 || status >= 500) return "retry";
  return "refused";
}

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
      await self.clients.claim();
    })(),
  );
});

// The page may pass a port: it is told which URLs could not be kept ({type: "cached", missing}).
self.addEventListener("message", (event) => {
  const msg = event.data || {};
  if (msg.type !== "cache" || !Array.isArray(msg.urls)) return;
  const port = event.ports && event.ports[0];
  event.waitUntil(keep(msg.urls).then((missing) => port && port.postMessage({ type: "cached", missing })));
});

async function keep(urls) {
  const cache = await caches.open(CACHE);
  const same = urls.map((u) => new URL(u, self.location.origin)).filter((u) => u.origin === self.location.origin);
  const missing = [];
  await Promise.all(
    same.map(async (url) => {
      try {
        const response = await fetch(url, { credentials: "same-origin" });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        await cache.put(url, response);
      } catch {
        missing.push(url.pathname);
      }
    }),
  );
  return missing;
}

// Cue clips, and static files with a content hash in their name (player.3f2c9a1b7d4e.js), are named by
// their content: a kept copy is never out of date.
function isClip(url) {
  return (
    url.pathname.startsWith("/cue/") ||
    url.pathname === "/chime.wav" ||
    (url.pathname.startsWith("/static/") && /\.[0-9a-f]{12}\.[a-z0-9]+$/.test(url.pathname))
  );
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (isClip(url)) event.respondWith(cacheFirst(request));
  else if (request.mode === "navigate" || url.pathname.startsWith("/static/")) event.respondWith(networkFirst(request));
});

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && (await cache.match(request, { ignoreSearch: true }))) {
      await cache.put(request, response.clone()); // keep the kept page fresh
    }
    return response;
  } catch (error) {
    const kept = await cache.match(request, { ignoreSearch: true });
    if (kept) return kept;
    throw error;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(request, { ignoreSearch: true });
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

// -- the outbox, sent from here when the page is gone ----------------------------

function idb(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function sendOutbox() {
  const open = indexedDB.open("softspot", 1);
  open.onupgradeneeded = () => open.result.createObjectStore("outbox", { keyPath: "key" });
  const db = await idb(open);
  const items = await idb(db.transaction("outbox").objectStore("outbox").getAll());
  let failed = 0;
  const store = () => db.transaction("outbox", "readwrite").objectStore("outbox");
  for (const item of items) {
    if (item.refused) continue; // waits for the person (the player page shows why)
    try {
      const response = await fetch(item.url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": item.csrf || "" },
        body: JSON.stringify(item.body),
      });
      const outcome = outcomeOf(response.status);
      if (outcome === "delivered") await idb(store().delete(item.key));
      else if (outcome === "refused") {
        let errors = [];
        try {
          const body = await response.json();
          errors = Array.isArray(body.errors) ? body.errors.slice(0, 20) : [];
        } catch {
          errors = [];
        }
        const refused = { status: response.status, errors, at: Date.now() };
        await idb(store().put({ ...item, attempts: (item.attempts || 0) + 1, refused }));
      } else failed += 1;
    } catch {
      failed += 1;
    }
  }
  db.close();
  if (failed) throw new Error(`${failed} record(s) still waiting`); // Background Sync retries later
}

self.addEventListener("sync", (event) => {
  if (event.tag === "softspot-outbox") event.waitUntil(sendOutbox());
});
