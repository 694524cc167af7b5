// AES-256-GCM for batches, through the OpenSSL that Node itself ships (no extra library: the
// symbols resolve against the node binary). The log calls AeadSeal/AeadOpen on its hot path, one
// call per batch; JS reaches the same code through InitAead's bindings.
//
// Sealed layout (kAeadOverhead = 28 bytes more than the plaintext):
//   [0, 12)          nonce, fresh from RAND_bytes for every seal
//   [12, 12 + n)     ciphertext, same length as the plaintext
//   [12 + n, n + 28) GCM tag
//
// Nonces are random rather than derived from the offset: a batch rewritten at the same offset
// after a crash must never reuse a nonce under the same key. With a fresh data key per segment
// the number of seals per key stays far below the 2^32 that random 96-bit nonces allow.
// RAND_bytes costs ~0.9 µs per seal on the build machine (a 1 KiB seal is ~0.8 µs of AES-GCM);
// a per-thread counter would be cheaper but is not fork-safe, and OpenSSL's DRBG is.
#pragma once
#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <span>

namespace mr {

inline constexpr size_t kAeadKeyBytes = 32;
inline constexpr size_t kAeadNonceBytes = 12;
inline constexpr size_t kAeadTagBytes = 16;
inline constexpr size_t kAeadOverhead = kAeadNonceBytes + kAeadTagBytes;

// Additional authenticated data given in pieces (e.g. log id, then batch header), authenticated
// exactly as their concatenation without building it:
//   const std::span<const uint8_t> aad[] = {logId, header};  AeadSeal(key, aad, ...);
using AadParts = std::span<const std::span<const uint8_t>>;

// Encrypts `len` bytes of `in` into `out`, which must hold len + kAeadOverhead bytes. `in` may be
// `out + kAeadNonceBytes` (in place); any other overlap is undefined. Returns false only when
// OpenSSL fails (no randomness, allocation), never for valid input.
bool AeadSeal(const uint8_t* key, AadParts aad, const uint8_t* in, size_t len, uint8_t* out);
bool AeadSeal(const uint8_t* key, const uint8_t* aad, size_t aadLen, const uint8_t* in, size_t len, uint8_t* out);

// Decrypts `sealedLen` bytes (nonce | ciphertext | tag) into `out`, which must hold
// sealedLen - kAeadOverhead bytes. Returns false when the input is shorter than the overhead or
// fails authentication (wrong key, AAD or any flipped bit); `out` is then wiped, so a caller that
// ignores the result still never sees unauthenticated plaintext. `out` may be
// `sealed + kAeadNonceBytes` (in place).
bool AeadOpen(const uint8_t* key, AadParts aad, const uint8_t* sealed, size_t sealedLen, uint8_t* out);
bool AeadOpen(const uint8_t* key, const uint8_t* aad, size_t aadLen, const uint8_t* sealed, size_t sealedLen, uint8_t* out);

// A data key held in native memory: move-only, wiped with OPENSSL_cleanse when destroyed or
// overwritten, so the log can keep one per segment without leaving copies behind.
class DataKey {
 public:
  DataKey() = default;
  explicit DataKey(const uint8_t* bytes);
  DataKey(DataKey&& other) noexcept;
  DataKey& operator=(DataKey&& other) noexcept;
  DataKey(const DataKey&) = delete;
  DataKey& operator=(const DataKey&) = delete;
  ~DataKey();

  const uint8_t* data() const { return bytes_; }
  bool empty() const { return !set_; }
  void Wipe();

 private:
  uint8_t bytes_[kAeadKeyBytes] = {};
  bool set_ = false;
};

// aeadSeal(key, aad, plaintext) -> Buffer and aeadOpen(key, aad, sealed) -> Buffer.
void InitAead(Napi::Env env, Napi::Object exports);

}  // namespace mr
