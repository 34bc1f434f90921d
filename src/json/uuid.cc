#include "json/uuid.h"

namespace sg::json {

std::string uuid_v4(uint64_t hi, uint64_t lo) {
  static constexpr char kHex[] = "0123456789abcdef";
  hi = (hi & ~0xF000ull) | 0x4000ull;              // version 4
  lo = (lo & ~(0xC0ull << 56)) | (0x80ull << 56);  // variant 10xx
  std::string out(36, '-');
  size_t o = 0;
  auto put = [&](uint64_t w, int from_nibble, int count) {
    for (int k = 0; k < count; ++k) out[o++] = kHex[(w >> (4 * (from_nibble - k))) & 15];
    ++o;  // past the '-' (or the end)
  };
  put(hi, 15, 8);
  put(hi, 7, 4);
  put(hi, 3, 4);
  put(lo, 15, 4);
  put(lo, 11, 12);
  return out;
}

}  // namespace sg::json
