// Structured logging for the effectful layers (server, engine, store): one line per event,
// a message plus typed key=value fields, as text for people or JSON lines for machines.
//
//   sg::log::info("listening", {{"address", "127.0.0.1:8083"}, {"threads", 2}});
//   text: 2026-11-21T10:00:00.123Z INFO listening address=127.0.0.1:8083 threads=2
//   json: {"time":"2026-11-21T10:00:00.123Z","level":"info","msg":"listening",
//          "address":"127.0.0.1:8083","threads":2}
//
// Hand-written because spdlog (Debian) does not escape field values into JSON lines. Every
// line is valid UTF-8 and one line: control characters, quotes and backslashes are escaped
// (JSON escapes in both formats) and invalid UTF-8 becomes U+FFFD. Doubles that JSON cannot
// hold (NaN, infinities) are written as null in JSON. Field keys should not repeat "time",
// "level" or "msg".
//
// configure() is called once at start-up (main); before it, lines at info and above go to
// stderr as text. Timestamps come from the system clock: logs are an edge effect, never an
// input to decisions, so they need no injected Clock. Thread-safe: one mutex around the
// level check, formatting and the write, so lines from concurrent writers never interleave.
// The sink runs under that mutex and must not log itself.
//
// It includes json/utf8.h although common/ sits below json/: that header depends on nothing,
// and one UTF-8 decoder for the whole project is worth the exception (utf8.h belongs in
// common/ once someone moves it).
#pragma once

#include <charconv>
#include <chrono>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <functional>
#include <initializer_list>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "json/utf8.h"

namespace sg::log {

enum class Level { kInfo, kWarn, kError };
enum class Format { kText, kJson };

// A field's value: a string, an integer (any integral type, kept as int64; unsigned values
// above INT64_MAX wrap), a double or a bool. Implicit so that call sites read as literals.
class FieldValue {
 public:
  using Variant = std::variant<std::string, int64_t, double, bool>;

  FieldValue(std::string_view s) : v_(std::string(s)) {}  // NOLINT: implicit by design
  FieldValue(const char* s) : v_(std::string(s)) {}       // NOLINT
  FieldValue(std::string s) : v_(std::move(s)) {}         // NOLINT
  FieldValue(bool b) : v_(b) {}                           // NOLINT
  FieldValue(double d) : v_(d) {}                         // NOLINT
  template <std::integral T>
  requires(!std::same_as<T, bool>) FieldValue(T i) : v_(static_cast<int64_t>(i)) {}  // NOLINT

  const Variant& get() const { return v_; }

 private:
  Variant v_;
};

using Field = std::pair<std::string_view, FieldValue>;
using Fields = std::initializer_list<Field>;
// Receives each line without its trailing newline.
using Sink = std::function<void(std::string_view line)>;

struct Options {
  Format format = Format::kText;
  Level min_level = Level::kInfo;
  Sink sink;  // empty: stderr
};

namespace detail {

struct Config {
  std::mutex mu;
  Options options;  // guarded by mu
};

inline Config& config() {
  static Config c;  // the logger's only state: format, level and sink
  return c;
}

inline std::string_view level_name(Level level, Format format) {
  switch (level) {
    case Level::kInfo:
      return format == Format::kJson ? "info" : "INFO";
    case Level::kWarn:
      return format == Format::kJson ? "warn" : "WARN";
    case Level::kError:
      return format == Format::kJson ? "error" : "ERROR";
  }
  return "?";
}

// Appends s with JSON string escaping (no surrounding quotes) and invalid UTF-8 replaced.
inline void append_escaped(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      uint32_t cp;
      size_t n = json::utf8_decode(s, i, cp);
      if (n == 0) {
        out += "\xEF\xBF\xBD";  // U+FFFD for this one bad byte; decoding resumes after it
        ++i;
      } else {
        out.append(s, i, n);
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
}

// A text value goes bare when that cannot be misread: non-empty, no space, quote, '=' or
// byte that needs escaping. Otherwise it is quoted and escaped.
inline bool needs_quotes(std::string_view s) {
  if (s.empty()) return true;
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c == '"' || c == '=' || c == '\\' || c >= 0x7F) return true;
  }
  return false;
}

inline void append_double(std::string& out, double d, Format format) {
  if (std::isnan(d) || std::isinf(d)) {
    out += format == Format::kJson ? "null" : std::isnan(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity";
    return;
  }
  char buf[32];
  std::to_chars_result r = std::to_chars(buf, buf + sizeof buf, d);  // shortest form that round-trips
  out.append(buf, r.ptr);
}

inline void append_value(std::string& out, const FieldValue& value, Format format) {
  const auto& v = value.get();
  if (const auto* s = std::get_if<std::string>(&v)) {
    bool quote = format == Format::kJson || needs_quotes(*s);
    if (quote) out += '"';
    append_escaped(out, *s);
    if (quote) out += '"';
  } else if (const auto* i = std::get_if<int64_t>(&v)) {
    out += std::to_string(*i);
  } else if (const auto* d = std::get_if<double>(&v)) {
    append_double(out, *d, format);
  } else {
    out += std::get<bool>(v) ? "true" : "false";
  }
}

// "2026-11-21T10:00:00.123Z" (UTC, milliseconds).
inline void append_time(std::string& out, std::chrono::system_clock::time_point t) {
  auto ms = std::chrono::floor<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  int millis = static_cast<int>(ms - static_cast<int64_t>(seconds) * 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buf[40];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                        utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, millis);
  out.append(buf, static_cast<size_t>(n));
}

}  // namespace detail

// The line for one event, without a newline. Pure (tests call it with a fixed time).
inline std::string format_line(Format format, Level level, std::chrono::system_clock::time_point time,
                               std::string_view message, Fields fields) {
  std::string out;
  out.reserve(64 + message.size());
  if (format == Format::kJson) {
    out += R"({"time":")";
    detail::append_time(out, time);
    out += R"(","level":")";
    out += detail::level_name(level, format);
    out += R"(","msg":")";
    detail::append_escaped(out, message);
    out += '"';
    for (const auto& [key, value] : fields) {
      out += ",\"";
      detail::append_escaped(out, key);
      out += "\":";
      detail::append_value(out, value, format);
    }
    out += '}';
  } else {
    detail::append_time(out, time);
    out += ' ';
    out += detail::level_name(level, format);
    out += ' ';
    detail::append_escaped(out, message);
    for (const auto& [key, value] : fields) {
      out += ' ';
      detail::append_escaped(out, key);
      out += '=';
      detail::append_value(out, value, format);
    }
  }
  return out;
}

// Replaces the format, minimum level and sink. Meant for start-up; safe at any time.
inline void configure(Options options) {
  auto& c = detail::config();
  std::lock_guard lock(c.mu);
  c.options = std::move(options);
}

// Writes one line if level is at least the configured minimum.
inline void write(Level level, std::string_view message, Fields fields) {
  auto& c = detail::config();
  std::lock_guard lock(c.mu);
  if (level < c.options.min_level) return;
  std::string line = format_line(c.options.format, level, std::chrono::system_clock::now(), message, fields);
  if (c.options.sink) {
    c.options.sink(line);
    return;
  }
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);  // stderr is unbuffered: one write per line
}

inline void info(std::string_view message, Fields fields = {}) { write(Level::kInfo, message, fields); }
inline void warn(std::string_view message, Fields fields = {}) { write(Level::kWarn, message, fields); }
inline void error(std::string_view message, Fields fields = {}) { write(Level::kError, message, fields); }

}  // namespace sg::log
