#pragma once
#include <cstddef>
#include <cstdint>

namespace mr {
// CRC32C (Castagnoli), the checksum of every batch. Uses SSE4.2 when the CPU has it.
uint32_t Crc32c(uint32_t crc, const void* data, size_t len);
}
