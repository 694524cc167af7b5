// AES-256-GCM seal/open over Node's bundled OpenSSL 3. See aead.h for the sealed layout.
#include "aead.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstring>
#include <string>
#include <vector>

#include "common.h"

static_assert(OPENSSL_VERSION_MAJOR >= 3, "build against Node's bundled OpenSSL 3 headers (include/node/openssl)");

namespace mr {
namespace {

// EVP lengths are int; batches are far smaller, but feed any size_t in slices of 1 GiB.
constexpr size_t kSlice = size_t{1} << 30;

// One context per direction per thread (the log's I/O thread, the JS thread, workers), created on
// first use and freed at thread exit; EVP_CIPHER_CTX_free cleanses the key schedule. The cipher is
// bound once, so each call only installs key and nonce and skips OpenSSL 3's per-init provider
// fetch. Between calls the context holds the schedule of the last key used on this thread: that
// key is live in memory for its segment's lifetime anyway.
class ThreadCipher {
 public:
  explicit ThreadCipher(int encrypt) : ctx_(EVP_CIPHER_CTX_new()) {
    if (ctx_ && EVP_CipherInit_ex(ctx_, EVP_aes_256_gcm(), nullptr, nullptr, nullptr, encrypt) != 1) {
      EVP_CIPHER_CTX_free(ctx_);
      ctx_ = nullptr;
    }
  }
  ~ThreadCipher() { EVP_CIPHER_CTX_free(ctx_); }
  ThreadCipher(const ThreadCipher&) = delete;
  ThreadCipher& operator=(const ThreadCipher&) = delete;
  EVP_CIPHER_CTX* get() const { return ctx_; }

 private:
  EVP_CIPHER_CTX* ctx_;
};

EVP_CIPHER_CTX* SealCtx() {
  thread_local ThreadCipher c(1);
  return c.get();
}

EVP_CIPHER_CTX* OpenCtx() {
  thread_local ThreadCipher c(0);
  return c.get();
}

// Leaves nothing on this thread's OpenSSL error queue, where Node's own crypto would find it.
bool Fail() {
  ERR_clear_error();
  return false;
}

// `out == nullptr` feeds additional authenticated data.
bool Update(EVP_CIPHER_CTX* ctx, uint8_t* out, const uint8_t* in, size_t len) {
  while (len > 0) {
    const int n = static_cast<int>(len < kSlice ? len : kSlice);
    int written = 0;
    if (EVP_CipherUpdate(ctx, out, &written, in, n) != 1) return false;
    in += n;
    len -= static_cast<size_t>(n);
    if (out) out += written;
  }
  return true;
}

bool UpdateAad(EVP_CIPHER_CTX* ctx, AadParts aad) {
  for (const auto& part : aad) {
    if (!Update(ctx, nullptr, part.data(), part.size())) return false;
  }
  return true;
}

}  // namespace

bool AeadSeal(const uint8_t* key, AadParts aad, const uint8_t* in, size_t len, uint8_t* out) {
  EVP_CIPHER_CTX* ctx = SealCtx();
  if (!ctx) return Fail();
  uint8_t* nonce = out;
  uint8_t* tag = out + kAeadNonceBytes + len;
  uint8_t final[16];
  int finalLen = 0;
  if (RAND_bytes(nonce, kAeadNonceBytes) != 1) return Fail();
  if (EVP_CipherInit_ex(ctx, nullptr, nullptr, key, nonce, -1) != 1) return Fail();
  if (!UpdateAad(ctx, aad)) return Fail();
  if (!Update(ctx, out + kAeadNonceBytes, in, len)) return Fail();
  if (EVP_CipherFinal_ex(ctx, final, &finalLen) != 1) return Fail();
  if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, kAeadTagBytes, tag) != 1) return Fail();
  return true;
}

bool AeadOpen(const uint8_t* key, AadParts aad, const uint8_t* sealed, size_t sealedLen, uint8_t* out) {
  if (sealedLen < kAeadOverhead) return false;
  const size_t len = sealedLen - kAeadOverhead;
  EVP_CIPHER_CTX* ctx = OpenCtx();
  if (!ctx) return Fail();
  // OpenSSL takes the expected tag through a mutable pointer, and before Final.
  uint8_t tag[kAeadTagBytes];
  std::memcpy(tag, sealed + kAeadNonceBytes + len, kAeadTagBytes);
  uint8_t final[16];
  int finalLen = 0;
  bool ok = EVP_CipherInit_ex(ctx, nullptr, nullptr, key, sealed, -1) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, kAeadTagBytes, tag) == 1 &&
            UpdateAad(ctx, aad) && Update(ctx, out, sealed + kAeadNonceBytes, len) &&
            EVP_CipherFinal_ex(ctx, final, &finalLen) == 1;
  if (!ok) {
    OPENSSL_cleanse(out, len);
    return Fail();
  }
  return true;
}

bool AeadSeal(const uint8_t* key, const uint8_t* aad, size_t aadLen, const uint8_t* in, size_t len, uint8_t* out) {
  const std::span<const uint8_t> parts[] = {{aad, aadLen}};
  return AeadSeal(key, parts, in, len, out);
}

bool AeadOpen(const uint8_t* key, const uint8_t* aad, size_t aadLen, const uint8_t* sealed, size_t sealedLen,
              uint8_t* out) {
  const std::span<const uint8_t> parts[] = {{aad, aadLen}};
  return AeadOpen(key, parts, sealed, sealedLen, out);
}

DataKey::DataKey(const uint8_t* bytes) : set_(true) { std::memcpy(bytes_, bytes, kAeadKeyBytes); }

DataKey::DataKey(DataKey&& other) noexcept : set_(other.set_) {
  std::memcpy(bytes_, other.bytes_, kAeadKeyBytes);
  other.Wipe();
}

DataKey& DataKey::operator=(DataKey&& other) noexcept {
  if (this != &other) {
    std::memcpy(bytes_, other.bytes_, kAeadKeyBytes);
    set_ = other.set_;
    other.Wipe();
  }
  return *this;
}

DataKey::~DataKey() { Wipe(); }

void DataKey::Wipe() {
  OPENSSL_cleanse(bytes_, kAeadKeyBytes);
  set_ = false;
}

namespace {

std::span<const uint8_t> Bytes(const Napi::CallbackInfo& info, size_t i, const char* name) {
  Napi::Value v = info[i];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    throw Napi::TypeError::New(info.Env(), std::string("The \"") + name + "\" argument must be a Buffer or Uint8Array");
  }
  auto a = v.As<Napi::Uint8Array>();
  return {a.Data(), a.ByteLength()};
}

std::span<const uint8_t> Key(const Napi::CallbackInfo& info) {
  auto key = Bytes(info, 0, "key");
  if (key.size() != kAeadKeyBytes) {
    throw Napi::RangeError::New(info.Env(), "The \"key\" argument must be 32 bytes (AES-256), got " +
                                                std::to_string(key.size()));
  }
  return key;
}

// `aad` is one Uint8Array or an array of them, authenticated as their concatenation.
std::vector<std::span<const uint8_t>> Aad(const Napi::CallbackInfo& info) {
  if (!info[1].IsArray()) return {Bytes(info, 1, "aad")};
  auto list = info[1].As<Napi::Array>();
  std::vector<std::span<const uint8_t>> parts;
  parts.reserve(list.Length());
  for (uint32_t i = 0; i < list.Length(); i++) {
    Napi::Value v = list.Get(i);
    if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
      throw Napi::TypeError::New(info.Env(), "Every element of the \"aad\" array must be a Buffer or Uint8Array");
    }
    auto a = v.As<Napi::Uint8Array>();
    parts.emplace_back(a.Data(), a.ByteLength());
  }
  return parts;
}

// aeadSeal(key: Uint8Array(32), aad: Uint8Array | Uint8Array[], plaintext: Uint8Array) -> Buffer
Napi::Value Seal(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto key = Key(info);
  auto aad = Aad(info);
  auto plain = Bytes(info, 2, "plaintext");
  auto out = Napi::Buffer<uint8_t>::New(env, plain.size() + kAeadOverhead);
  if (!AeadSeal(key.data(), aad, plain.data(), plain.size(), out.Data())) {
    Throw(env, codes::CRYPTO, "AES-256-GCM encryption failed inside OpenSSL");
  }
  return out;
}

// aeadOpen(key: Uint8Array(32), aad: Uint8Array | Uint8Array[], sealed: Uint8Array) -> Buffer
Napi::Value Open(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto key = Key(info);
  auto aad = Aad(info);
  auto sealed = Bytes(info, 2, "sealed");
  if (sealed.size() < kAeadOverhead) {
    throw Napi::RangeError::New(env, "The \"sealed\" argument must be at least 28 bytes (nonce and tag), got " +
                                         std::to_string(sealed.size()));
  }
  auto out = Napi::Buffer<uint8_t>::New(env, sealed.size() - kAeadOverhead);
  if (!AeadOpen(key.data(), aad, sealed.data(), sealed.size(), out.Data())) {
    Throw(env, codes::CRYPTO, "Decryption failed: wrong key, wrong additional data, or tampered ciphertext");
  }
  return out;
}

}  // namespace

void InitAead(Napi::Env env, Napi::Object exports) {
  exports.Set("aeadSeal", Napi::Function::New(env, Seal, "aeadSeal"));
  exports.Set("aeadOpen", Napi::Function::New(env, Open, "aeadOpen"));
}

}  // namespace mr
