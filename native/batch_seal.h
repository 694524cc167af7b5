// Encryption of one batch payload under a data key, bound to where the batch belongs. The
// additional authenticated data is the log's identity (opaque bytes the caller chose, e.g. stream
// and shard) followed by the batch header's size field and bytes [B_OFF_VERSION, 64): version,
// flags, first offset, record count, stored payload size, timestamps, raw size and key reference.
// Only the magic and the CRC are left out (the CRC is computed over the ciphertext afterwards).
// A batch copied to another position or another log, or with any header field edited, no longer
// opens.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

namespace mr {

// `header` is the batch's complete 64-byte header (payload size already the sealed size);
// `out` holds len + kAeadOverhead bytes.
bool SealBatch(const uint8_t* key, std::span<const uint8_t> logAad, const uint8_t* header, const uint8_t* in, size_t len,
               uint8_t* out);
// `sealed` is the stored payload (nonce | ciphertext | tag); `out` holds sealedLen - kAeadOverhead.
bool OpenBatch(const uint8_t* key, std::span<const uint8_t> logAad, const uint8_t* header, const uint8_t* sealed,
               size_t sealedLen, uint8_t* out);

}  // namespace mr
