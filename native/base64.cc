// Strict base64 decoding of many spans of one buffer in one call: the HTTP face reads a request's
// blobs straight out of its body this way (src/server/http/put-records-scan.ts) instead of making
// a string and a Buffer per blob. Only the canonical encoding is accepted (RFC 4648 alphabet,
// padding only at the end, no bits left over in the last digit), so that a span decodes here
// exactly when the lenient decoders' result would have passed the face's own checks.
#include "base64.h"

#include <array>
#include <cstdint>

#include "common.h"

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

// decodeBase64Spans(src: Uint8Array, spans: Uint32Array, out: Uint8Array, at: Uint32Array) -> number
// `spans` holds [start, end) pairs into `src`; span i decodes into `out` from offset at[i] (the
// caller lays the bytes out: back to back, or between other fields of its own).
// Returns -1 when every span decoded, else the index of the first span that is not canonical
// base64 or whose bytes would not fit in `out` at its offset. Nothing is written past `out`.
Napi::Value DecodeBase64Spans(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto src = info[0].As<Napi::Uint8Array>();
  auto spans = info[1].As<Napi::Uint32Array>();
  auto out = info[2].As<Napi::Uint8Array>();
  auto at = info[3].As<Napi::Uint32Array>();
  const size_t n = spans.ElementLength() / 2;
  if (at.ElementLength() < n) Throw(env, codes::INVALID_ARGUMENT, "one destination offset per span is needed");
  const uint8_t* s = src.Data();
  const size_t srcLen = src.ByteLength();
  uint8_t* o = out.Data();
  const size_t outLen = out.ByteLength();
  for (size_t i = 0; i < n; i++) {
    const uint32_t start = spans[2 * i], end = spans[2 * i + 1];
    if (start > end || end > srcLen) Throw(env, codes::INVALID_ARGUMENT, "a span lies outside the source");
    const size_t len = end - start;
    if (len % 4 != 0) return Napi::Number::New(env, double(i));
    const size_t pads = len == 0 || s[end - 1] != '=' ? 0 : s[end - 2] == '=' ? 2 : 1;
    // Room for the span's bytes is checked before any of them is written.
    const size_t dst = at[i];
    if (dst > outLen || len / 4 * 3 - pads > outLen - dst) return Napi::Number::New(env, double(i));
    if (DecodeSpan(s + start, len, o + dst) < 0) return Napi::Number::New(env, double(i));
  }
  return Napi::Number::New(env, -1.0);
}

}  // namespace

void InitBase64(Napi::Env env, Napi::Object exports) {
  exports.Set("decodeBase64Spans", Napi::Function::New(env, DecodeBase64Spans, "decodeBase64Spans"));
}

}  // namespace mr
