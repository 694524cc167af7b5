// Batch hashing for routing: MD5 of every partition key of a batch in one call, and the bucket
// (hash-key range) each digest falls in. Knows nothing about shards: it sorts 128-bit keys into
// ranges given as sorted starting keys.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/md5.h>

#include <algorithm>
#include <cstring>

#include "common.h"
#include "md5_batch.h"
#include "route_packed.h"

namespace mr {
namespace {

// md5Keys(keys: Buffer, ends: Uint32Array) -> Buffer of 16-byte digests.
// `ends[i]` is the end (exclusive) of key i inside `keys`; key i starts at ends[i-1] (or 0).
Napi::Value Md5Keys(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto keys = info[0].As<Napi::Uint8Array>();
  auto ends = info[1].As<Napi::Uint32Array>();
  const size_t n = ends.ElementLength();
  const uint8_t* base = keys.Data();
  const size_t total = keys.ByteLength();
  auto out = Napi::Buffer<uint8_t>::New(env, n * 16);
  uint32_t start = 0;
  for (size_t i = 0; i < n; i++) {
    uint32_t end = ends[i];
    if (end < start || end > total) Throw(env, codes::INVALID_ARGUMENT, "key ends are not ascending within the key buffer");
    MD5(base + start, end - start, out.Data() + i * 16);
    start = end;
  }
  return out;
}

// bucketize(hashes: Buffer(16n), starts: Buffer(16m)) -> Uint32Array(n): index of the last
// range start <= hash (big-endian 128-bit comparison). starts[0] must be the smallest.
Napi::Value Bucketize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto hashes = info[0].As<Napi::Uint8Array>();
  auto starts = info[1].As<Napi::Uint8Array>();
  const size_t n = hashes.ByteLength() / 16, m = starts.ByteLength() / 16;
  if (m == 0) Throw(env, codes::INVALID_ARGUMENT, "no ranges");
  auto out = Napi::Uint32Array::New(env, n);
  const uint8_t* s = starts.Data();
  for (size_t i = 0; i < n; i++) {
    const uint8_t* h = hashes.Data() + i * 16;
    size_t lo = 0, hi = m;  // find last start <= h
    while (hi - lo > 1) {
      size_t mid = (lo + hi) / 2;
      if (std::memcmp(s + mid * 16, h, 16) <= 0) lo = mid; else hi = mid;
    }
    out[i] = static_cast<uint32_t>(lo);
  }
  return out;
}

}  // namespace

void InitHashing(Napi::Env env, Napi::Object exports) {
  exports.Set("md5Keys", Napi::Function::New(env, Md5Keys, "md5Keys"));
  exports.Set("bucketize", Napi::Function::New(env, Bucketize, "bucketize"));
  InitRoutePacked(env, exports);
}

}  // namespace mr
