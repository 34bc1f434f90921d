// libFuzzer target: any byte string is parsed as the responses arriving on one client
// connection, fed in pieces whose sizes come from the first byte, then closed. Nothing
// may crash, hang or read out of bounds; every response parsed must respect the limit.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "integrations/http_response_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  size_t step = 1 + data[0] % 64;
  std::string_view wire(reinterpret_cast<const char*>(data) + 1, size - 1);
  constexpr size_t kLimit = 4096;
  sg::integrations::HttpResponseParser parser(kLimit);
  std::string_view pending;
  size_t off = 0;
  while (off < wire.size() && !parser.failed()) {
    size_t n = std::min(step, wire.size() - off);
    std::string_view piece = wire.substr(off, n);
    off += n;
    while (!piece.empty() && !parser.failed()) {
      size_t used = parser.feed(piece);
      piece.remove_prefix(used);
      if (parser.done()) {
        if (parser.body().size() > kLimit) std::abort();
        parser.reset();
      } else if (used == 0) {
        std::abort();  // no progress on non-empty input: would spin forever
      }
    }
  }
  parser.finish_at_eof();
  if (parser.done() && parser.body().size() > kLimit) std::abort();
  return 0;
}
