#include "cli/definition_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/read_file.h"
#include "json/parse.h"

namespace sg::cli {

Result<std::string> read_file(const std::string& path, size_t max_bytes) {
  return read_text_file(path, max_bytes);
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

std::vector<asl::Diagnostic> check_definition(const std::string& path, const std::string& text,
                                              const asl::ValidateOptions& opts, json::Value* doc) {
  bool blank = text.find_first_not_of(" \t\r\n") == std::string::npos;
  if (blank || !looks_like_yaml(path, text)) {
    return asl::validate_definition_text(text, opts, doc);
  }
  Result<json::Value> parsed = json::parse_yaml(text);
  if (!parsed) {
    return {asl::Diagnostic{asl::Severity::kError, "INVALID_JSON_DESCRIPTION", parsed.error().message, ""}};
  }
  std::vector<asl::Diagnostic> diags = asl::validate_definition(*parsed, opts);
  if (doc) *doc = std::move(parsed).value();
  return diags;
}

// Line breaks inside a message or location (a syntax error quotes the file) shown as \n.
static std::string one_line(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else
      out += c;
  }
  return out;
}

void print_diagnostics(std::ostream& out, const std::string& file,
                       const std::vector<asl::Diagnostic>& diags) {
  for (const asl::Diagnostic& d : diags) {
    std::string message = d.message;
    std::string tail = "\n at " + d.location;
    if (!d.location.empty() && message.size() > tail.size() && message.ends_with(tail))
      message.resize(message.size() - tail.size());
    out << file;
    if (!d.location.empty()) out << ':' << one_line(d.location);
    out << ": " << (d.severity == asl::Severity::kError ? "error" : "warning") << " " << d.code << ": "
        << one_line(message) << "\n";
  }
}

}  // namespace sg::cli
