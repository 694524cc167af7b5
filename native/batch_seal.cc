#include "batch_seal.h"

#include "aead.h"
#include "constants.h"

namespace mr {
namespace {

struct BatchAad {
  std::span<const uint8_t> parts[3];
  BatchAad(std::span<const uint8_t> logAad, const uint8_t* header)
      : parts{logAad, {header + B_OFF_SIZE, 4}, {header + B_OFF_VERSION, BATCH_HEADER_SIZE - B_OFF_VERSION}} {}
};

}  // namespace

bool SealBatch(const uint8_t* key, std::span<const uint8_t> logAad, const uint8_t* header, const uint8_t* in, size_t len,
               uint8_t* out) {
  BatchAad aad(logAad, header);
  return AeadSeal(key, aad.parts, in, len, out);
}

bool OpenBatch(const uint8_t* key, std::span<const uint8_t> logAad, const uint8_t* header, const uint8_t* sealed,
               size_t sealedLen, uint8_t* out) {
  BatchAad aad(logAad, header);
  return AeadOpen(key, aad.parts, sealed, sealedLen, out);
}

}  // namespace mr
