// Strict base64 decoding of many spans of one buffer in one call: the HTTP face packs a PutRecords
// body's records straight out of its bytes this way (src/server/http/put-records-scan.ts) instead
// of making a string and a Buffer per blob. Only the canonical encoding is accepted (RFC 4648 alphabet,
// padding only at the end, no bits left over in the last digit), so that a span decodes here
// exactly when the lenient decoders' result would have passed the face's own checks.
#include "base64.h"

#include <array>
#include <cstdint>
#include <cstring>

#include "common.h"
#include "constants.h"

namespace mr {
namespace {

constexpr std::array<int8_t, 256> MakeDigits() {
  std::array<int8_t, 256> t{};
  for (auto& v : t) v = -1;
  const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (int i = 0; i < 64; i++) t[static_cast<uint8_t>(alphabet[i])] = static_cast<int8_t>(i);
  return t;
}
constexpr std::array<int8_t, 256> kDigit = MakeDigits();

// Decodes [p, p + len) to out; returns the bytes written, or -1 if it is not canonical base64.
int64_t DecodeSpan(const uint8_t* p, size_t len, uint8_t* out) {
  if (len % 4 != 0) return -1;
  if (len == 0) return 0;
  const size_t pads = p[len - 1] != '=' ? 0 : p[len - 2] == '=' ? 2 : 1;
  const size_t full = pads ? len - 4 : len;
  uint8_t* o = out;
  for (size_t i = 0; i < full; i += 4) {
    const int32_t a = kDigit[p[i]], b = kDigit[p[i + 1]], c = kDigit[p[i + 2]], d = kDigit[p[i + 3]];
    if ((a | b | c | d) < 0) return -1;
    const uint32_t n = (uint32_t(a) << 18) | (uint32_t(b) << 12) | (uint32_t(c) << 6) | uint32_t(d);
    o[0] = uint8_t(n >> 16);
    o[1] = uint8_t(n >> 8);
    o[2] = uint8_t(n);
    o += 3;
  }
  if (pads == 0) return o - out;
  const int32_t a = kDigit[p[full]], b = kDigit[p[full + 1]];
  if ((a | b) < 0) return -1;
  if (pads == 2) {
    if (b & 0x0f) return -1;
    *o++ = uint8_t((a << 2) | (b >> 4));
    return o - out;
  }
  const int32_t c = kDigit[p[full + 2]];
  if (c < 0 || (c & 0x03)) return -1;
  const uint32_t n = (uint32_t(a) << 18) | (uint32_t(b) << 12) | (uint32_t(c) << 6);
  o[0] = uint8_t(n >> 16);
  o[1] = uint8_t(n >> 8);
  return o + 2 - out;
}

// packBase64Records(src: Uint8Array, spans: Uint32Array, out: Uint8Array) -> number
// Builds packed records (docs/ARCHITECTURE.md, "Record") from a request body: `spans` holds four
// offsets into `src` per record (key start and end, base64 Data start and end); each record is
// written to `out` right after the previous one, its header (arrival delta 0, no flags), its key's
// bytes as they are and its Data decoded. The caller checked the keys (length, ASCII) and sized
// `out` exactly. Returns -1 when every record was written and `out` is exactly filled, else the
// index of the first record whose Data is not canonical base64 or does not fit (the record count
// when `out` has room left over). Nothing is written past `out`.
Napi::Value PackBase64Records(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto src = info[0].As<Napi::Uint8Array>();
  auto spans = info[1].As<Napi::Uint32Array>();
  auto out = info[2].As<Napi::Uint8Array>();
  const size_t n = spans.ElementLength() / 4;
  const uint8_t* s = src.Data();
  const size_t srcLen = src.ByteLength();
  uint8_t* o = out.Data();
  const size_t outLen = out.ByteLength();
  size_t at = 0;
  for (size_t i = 0; i < n; i++) {
    const uint32_t ks = spans[4 * i], ke = spans[4 * i + 1], ds = spans[4 * i + 2], de = spans[4 * i + 3];
    if (ks > ke || ke > srcLen || ds > de || de > srcLen) Throw(env, codes::INVALID_ARGUMENT, "a span lies outside the source");
    const size_t keyLen = ke - ks, len = de - ds;
    if (keyLen > 0xffff || len % 4 != 0) return Napi::Number::New(env, double(i));
    const size_t pads = len == 0 || s[de - 1] != '=' ? 0 : s[de - 2] == '=' ? 2 : 1;
    const size_t dataLen = len / 4 * 3 - pads;
    const size_t size = RECORD_HEADER_SIZE + keyLen + dataLen;
    // Room for the whole record is checked before any of it is written.
    if (size > outLen - at) return Napi::Number::New(env, double(i));
    uint8_t* r = o + at;
    std::memset(r, 0, RECORD_HEADER_SIZE);
    StoreU32(r + R_OFF_SIZE, static_cast<uint32_t>(size));
    StoreU32(r + R_OFF_DATA_LEN, static_cast<uint32_t>(dataLen));
    StoreU16(r + R_OFF_KEY_LEN, static_cast<uint16_t>(keyLen));
    std::memcpy(r + RECORD_HEADER_SIZE, s + ks, keyLen);
    if (DecodeSpan(s + ds, len, r + RECORD_HEADER_SIZE + keyLen) < 0) return Napi::Number::New(env, double(i));
    at += size;
  }
  return Napi::Number::New(env, at == outLen ? -1.0 : double(n));
}

}  // namespace

void InitBase64(Napi::Env env, Napi::Object exports) {
  exports.Set("packBase64Records", Napi::Function::New(env, PackBase64Records, "packBase64Records"));
}

}  // namespace mr
