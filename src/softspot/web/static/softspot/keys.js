// Idempotency keys for session records: a version-4 UUID made once per session.
//
// crypto.randomUUID() exists only in secure contexts (https, localhost); on the
// home network (`softspot serve --lan`, plain http) the page is not secure, so
// the same UUID is built from crypto.getRandomValues(), which works everywhere.

const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function isKey(value) {
  return typeof value === "string" && UUID4.test(value);
}

export function uuidFromBytes(bytes) {
  const b = Array.from(bytes.slice(0, 16));
  b[6] = (b[6] & 0x0f) | 0x40; // version 4
  b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
  const hex = b.map((n) => n.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function newKey(cryptoImpl = globalThis.crypto) {
  if (cryptoImpl && typeof cryptoImpl.randomUUID === "function") return cryptoImpl.randomUUID();
  return uuidFromBytes(cryptoImpl.getRandomValues(new Uint8Array(16)));
}
