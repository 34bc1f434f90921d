// read_text_file(path, max_bytes): a whole file as text, refusing to read more than
// max_bytes (so /dev/zero, a huge file or a FIFO that never ends cannot exhaust memory)
// and refusing directories. Errors: code "READ_FAILED" naming the file.
#pragma once

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "common/result.h"

namespace sg {

inline Result<std::string> read_text_file(const std::string& path, size_t max_bytes) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    return Error{"READ_FAILED", "cannot read '" + path + "': it is a directory"};
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{"READ_FAILED", "cannot read '" + path + "': " + std::strerror(errno)};
  std::string text;
  char buf[65536];
  while (in) {
    in.read(buf, sizeof buf);
    text.append(buf, static_cast<size_t>(in.gcount()));
    if (text.size() > max_bytes) {
      return Error{"READ_FAILED", "cannot read '" + path + "': it is larger than " +
                                      std::to_string(max_bytes) + " bytes, the most this file may hold"};
    }
  }
  if (in.bad()) return Error{"READ_FAILED", "cannot read '" + path + "': " + std::strerror(errno)};
  return text;
}

}  // namespace sg
