#include "cli/definition_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace sg::cli {

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{"READ_FAILED", "cannot read '" + path + "': " + std::strerror(errno)};
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool looks_like_yaml(const std::string& path, const std::string& text) {
  auto ends = [&](const char* suf) {
    size_t n = std::strlen(suf);
    return path.size() >= n && path.compare(path.size() - n, n, suf) == 0;
  };
  if (ends(".yaml") || ends(".yml")) return true;
  if (ends(".json")) return false;
  size_t i = text.find_first_not_of(" \t\r\n");
  return i != std::string::npos && text[i] != '{' && text[i] != '[';
}

}  // namespace sg::cli
