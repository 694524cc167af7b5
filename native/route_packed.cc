// Routing of a packed batch (docs/ARCHITECTURE.md, "Record") in one call: walk the records, hash
// each partition key with MD5 (or take the record's explicit hash key), find the range it falls in
// among sorted range starts, group the records by range in first-seen order and, when given an
// output buffer, copy each group into its own contiguous slice. Knows nothing of streams or shards:
// it gets bytes and ranges. Malformed input is reported as numbers, which the TypeScript caller
// turns into its typed errors with the wording the API promises.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/md5.h>

#include <cstring>
#include <vector>

#include "common.h"
#include "constants.h"
#include "route_packed.h"

namespace mr {
namespace {

// Memo entries (caller-owned bytes, one table per set of range starts): a partition key seen
// before skips MD5 (~150 ns for a short key) for a hash, a compare and a load. Two-way set
// associative over neighbouring entries, so a miss costs one 64-byte store and unique keys need no
// bypass logic. Entry layout:
//   0-3 range index (u32), 4-5 key length (u16, 0 = empty), 6-7 zero, 8-63 key bytes.
constexpr size_t kMemoEntry = mr::ROUTE_MEMO_ENTRY_BYTES;
constexpr size_t kMemoKey = kMemoEntry - 8;

// Failure kinds, mirrored by hand in src/storage/hashing.ts (PAST_END…BAD_END), which words the errors.
constexpr uint32_t kPastEnd = mr::ROUTE_FAIL_PAST_END;
constexpr uint32_t kMalformed = mr::ROUTE_FAIL_MALFORMED;
constexpr uint32_t kTooLarge = mr::ROUTE_FAIL_TOO_LARGE;
constexpr uint32_t kBadEnd = mr::ROUTE_FAIL_BAD_END;

// A cheap hash of a key's bytes, eight at a time, for the memo's slot.
inline uint64_t KeyHash(const uint8_t* k, size_t n) {
  uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
  while (n >= 8) {
    h = (h ^ LoadU64(k)) * 0xff51afd7ed558ccdull;
    h ^= h >> 32;
    k += 8;
    n -= 8;
  }
  if (n > 0) {
    uint64_t w = 0;
    std::memcpy(&w, k, n);
    h = (h ^ w) * 0xff51afd7ed558ccdull;
    h ^= h >> 32;
  }
  // MurmurHash3's finalizer: multiplication only carries upward, so without the shifts the high
  // bytes of a key (where "user-1".."user-999" differ) would never reach the low bits we index by.
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h;
}

// Index of the last range start <= key (big-endian 128-bit), starts[0] being the smallest.
inline uint32_t FindRange(const uint8_t* starts, size_t m, const uint8_t* key) {
  size_t lo = 0, hi = m;
  while (hi - lo > 1) {
    size_t mid = (lo + hi) / 2;
    if (std::memcmp(starts + mid * 16, key, 16) <= 0) lo = mid; else hi = mid;
  }
  return static_cast<uint32_t>(lo);
}

// routePacked(payload, count, starts, maxData, memo, out, cols, parts) -> number of groups, or 0
// when the payload is malformed (parts[0..3] = kind, record index, byte position, value).
//   cols: Uint32Array(3 * count + 2): range of record i at [i], its group at [count + i], its
//         rank within the group at [2 * count + i]; memo lookups and hits at [3 * count] and
//         [3 * count + 1], so the caller can stop passing a memo that does not pay;
//   parts: Uint32Array(4 * max(m, 1)): per group in first-seen order: range, records, packed
//          bytes, data bytes;
//   out: where the groups are copied back to back, or empty for no copy. Nothing is copied when
//        all records fall in one group: the payload is already that group.
// With one range nothing is hashed: the call only validates.
Napi::Value RoutePacked(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto payloadArr = info[0].As<Napi::Uint8Array>();
  const uint32_t count = info[1].As<Napi::Number>().Uint32Value();
  auto startsArr = info[2].As<Napi::Uint8Array>();
  const uint64_t maxData = static_cast<uint64_t>(info[3].As<Napi::Number>().DoubleValue());
  auto memoArr = info[4].As<Napi::Uint8Array>();
  auto outArr = info[5].As<Napi::Uint8Array>();
  auto colsArr = info[6].As<Napi::Uint32Array>();
  auto partsArr = info[7].As<Napi::Uint32Array>();

  const uint8_t* p = payloadArr.Data();
  const size_t len = payloadArr.ByteLength();
  const uint8_t* starts = startsArr.Data();
  const size_t m = startsArr.ByteLength() / 16;
  if (m == 0 || len > UINT32_MAX) Throw(env, codes::INVALID_ARGUMENT, "no ranges, or a payload of 4 GiB or more");
  if (colsArr.ElementLength() < 3ull * count + 2 || partsArr.ElementLength() < 4 * m) {
    Throw(env, codes::INVALID_ARGUMENT, "result arrays are too short");
  }
  uint32_t* slotOf = colsArr.Data();
  uint32_t* partOf = slotOf + count;
  uint32_t* rank = partOf + count;
  uint32_t* parts = partsArr.Data();
  uint8_t* memo = memoArr.Data();
  size_t memoMask = 0;  // entries - 1, entries being the largest power of two that fits
  size_t memoWays = 2;   // entries looked at per key: a pair, or the one entry of a one-entry memo
  if (size_t entries = memoArr.ByteLength() / kMemoEntry; entries > 0) {
    size_t pow = 1;
    while (pow * 2 <= entries) pow *= 2;
    memoMask = pow - 1;
    if (pow == 1) memoWays = 1;
  } else {
    memo = nullptr;
  }

  // Group of each range (UINT32_MAX until seen); ranges are few, so a vector per call is cheap.
  std::vector<uint32_t> groupOf(m, UINT32_MAX);
  uint32_t groups = 0;
  auto fail = [&](uint32_t kind, uint32_t i, uint64_t pos, uint64_t value) -> Napi::Value {
    parts[0] = kind;
    parts[1] = i;
    parts[2] = static_cast<uint32_t>(pos);
    parts[3] = static_cast<uint32_t>(value);
    return Napi::Number::New(env, 0);
  };

  uint64_t pos = 0;
  uint32_t lookups = 0, hits = 0;
  uint8_t digest[16];
  for (uint32_t i = 0; i < count; i++) {
    if (pos + RECORD_HEADER_SIZE > len) return fail(kPastEnd, i, pos, 0);
    const uint8_t* r = p + pos;
    const uint64_t size = LoadU32(r + R_OFF_SIZE);
    const uint64_t dl = LoadU32(r + R_OFF_DATA_LEN);
    const uint64_t kl = LoadU16(r + R_OFF_KEY_LEN);
    const bool hasHash = (r[R_OFF_FLAGS] & R_FLAG_EXPLICIT_HASH) != 0;
    const uint64_t keyAt = RECORD_HEADER_SIZE + (hasHash ? EXPLICIT_HASH_SIZE : 0);
    if (kl < 1 || kl > MAX_PARTITION_KEY_BYTES || size != keyAt + kl + dl || pos + size > len) {
      return fail(kMalformed, i, pos, 0);
    }
    if (dl > maxData) return fail(kTooLarge, i, pos, dl);

    uint32_t slot = 0;
    if (m > 1) {
      if (hasHash) {
        slot = FindRange(starts, m, r + RECORD_HEADER_SIZE);
      } else {
        const uint8_t* key = r + keyAt;
        uint8_t* e = nullptr;
        bool known = false;
        if (memo != nullptr && kl <= kMemoKey) {
          // Two-way: a key may sit in either entry of its pair (neighbours in memory), so two keys
          // that share a slot both stay; direct-mapped, 1,000 keys in 16,384 entries hit only ~94%.
          const size_t idx = KeyHash(key, kl) & memoMask;
          uint8_t* pair = memo + (idx & ~size_t{1}) * kMemoEntry;
          for (size_t way = 0; way < memoWays && !known; way++) {
            uint8_t* c = pair + way * kMemoEntry;
            slot = LoadU32(c);
            // `slot < m` also guards against a memo the caller filled with anything else.
            known = LoadU16(c + 4) == kl && slot < m && std::memcmp(c + 8, key, kl) == 0;
          }
          if (!known) {
            // An empty way if there is one, else the one the hash's low bit names.
            e = memoWays == 1 || LoadU16(pair + 4) == 0 ? pair : LoadU16(pair + kMemoEntry + 4) == 0 ? pair + kMemoEntry : pair + (idx & 1) * kMemoEntry;
          }
          lookups++;
          hits += known;
        }
        if (!known) {
          MD5(key, kl, digest);
          slot = FindRange(starts, m, digest);
          if (e != nullptr) {
            StoreU32(e, slot);
            StoreU16(e + 4, static_cast<uint16_t>(kl));
            std::memcpy(e + 8, key, kl);
          }
        }
      }
    }
    uint32_t g = groupOf[slot];
    if (g == UINT32_MAX) {
      g = groupOf[slot] = groups++;
      uint32_t* part = parts + 4 * g;
      part[0] = slot;
      part[1] = part[2] = part[3] = 0;
    }
    uint32_t* part = parts + 4 * g;
    slotOf[i] = slot;
    partOf[i] = g;
    rank[i] = part[1]++;
    part[2] += static_cast<uint32_t>(size);
    part[3] += static_cast<uint32_t>(dl);
    pos += size;
  }
  if (pos != len) return fail(kBadEnd, count, pos, len);
  rank[count] = lookups;
  rank[count + 1] = hits;

  if (groups > 1 && outArr.ByteLength() >= len) {
    // Each group's slice starts where the previous one ends; one memcpy per run of neighbouring
    // records bound for the same group.
    std::vector<uint64_t> cursor(groups);
    for (uint32_t g = 0, at = 0; g < groups; g++) {
      cursor[g] = at;
      at += parts[4 * g + 2];
    }
    uint8_t* out = outArr.Data();
    uint64_t from = 0;
    for (uint32_t i = 0; i < count;) {
      const uint32_t g = partOf[i];
      uint64_t to = from;
      uint32_t j = i;
      do {
        to += LoadU32(p + to + R_OFF_SIZE);
        j++;
      } while (j < count && partOf[j] == g);
      std::memcpy(out + cursor[g], p + from, to - from);
      cursor[g] += to - from;
      from = to;
      i = j;
    }
  }
  return Napi::Number::New(env, groups);
}

}  // namespace

void InitRoutePacked(Napi::Env env, Napi::Object exports) {
  exports.Set("routePacked", Napi::Function::New(env, RoutePacked, "routePacked"));
}

}  // namespace mr
