// Small helpers shared by the addon's files: little-endian access, typed errors, errno names.
#pragma once
#include <napi.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

#include "constants.h"

namespace mr {

inline uint16_t LoadU16(const uint8_t* p) { uint16_t v; std::memcpy(&v, p, 2); return v; }
inline uint32_t LoadU32(const uint8_t* p) { uint32_t v; std::memcpy(&v, p, 4); return v; }
inline uint64_t LoadU64(const uint8_t* p) { uint64_t v; std::memcpy(&v, p, 8); return v; }
inline int64_t LoadI64(const uint8_t* p) { int64_t v; std::memcpy(&v, p, 8); return v; }
inline void StoreU16(uint8_t* p, uint16_t v) { std::memcpy(p, &v, 2); }
inline void StoreU32(uint8_t* p, uint32_t v) { std::memcpy(p, &v, 4); }
inline void StoreU64(uint8_t* p, uint64_t v) { std::memcpy(p, &v, 8); }
inline void StoreI64(uint8_t* p, int64_t v) { std::memcpy(p, &v, 8); }

inline uint64_t AlignUp(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }

// An error raised below the N-API layer (I/O thread, recovery): carries a stable code so the
// binding can turn it into the library's typed error on the JS thread.
struct Failure {
  const char* code = nullptr;  // nullptr means success
  std::string message;
  std::string file;
  int64_t position = -1;
  int err = 0;  // errno, when an OS call failed

  explicit operator bool() const { return code != nullptr; }
  static Failure Io(const std::string& what, const std::string& path, int e) {
    return Failure{codes::IO, what + " failed for " + path + ": " + std::strerror(e), path, -1, e};
  }
};

const char* ErrnoName(int e);

// Builds the library's typed error (src/errors.ts createError) from a code and message.
Napi::Error MakeError(Napi::Env env, const char* code, const std::string& message);
Napi::Error MakeError(Napi::Env env, const Failure& f);
[[noreturn]] void Throw(Napi::Env env, const char* code, const std::string& message);

}  // namespace mr
