#include "integrations/http_response_parser.h"

#include <algorithm>
#include <charconv>

namespace sg::integrations {

namespace {

constexpr size_t kMaxLine = 64 * 1024;

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Whether the comma-separated header value lists `token` (case-insensitive).
bool lists_token(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    size_t comma = value.find(',');
    if (iequals(trim(value.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

// The last element of a comma-separated list.
std::string_view last_token(std::string_view value) {
  size_t comma = value.rfind(',');
  return trim(comma == std::string_view::npos ? value : value.substr(comma + 1));
}

}  // namespace

void HttpResponseParser::reset() { *this = HttpResponseParser(max_body_); }

void HttpResponseParser::fail(std::string message) {
  state_ = State::kFailed;
  error_ = std::move(message);
}

// Takes one line (without its CRLF or LF) from data[pos...], joining a piece kept from an
// earlier feed; false when the line is not complete yet (the piece is kept).
bool HttpResponseParser::take_line(std::string_view data, size_t& pos, std::string_view& line) {
  size_t nl = data.find('\n', pos);
  if (nl == std::string_view::npos) {
    line_.append(data.substr(pos));
    pos = data.size();
    if (line_.size() > kMaxLine) fail("response line or header too long");
    return false;
  }
  std::string_view piece = data.substr(pos, nl - pos);
  pos = nl + 1;
  if (!line_.empty()) {
    line_.append(piece);
    if (line_.size() > kMaxLine) {
      fail("response line or header too long");
      return false;
    }
    piece = line_;
  }
  if (!piece.empty() && piece.back() == '\r') piece.remove_suffix(1);
  line = piece;
  return true;
}

size_t HttpResponseParser::feed(std::string_view data) {
  size_t pos = 0;
  while (pos < data.size() && state_ != State::kDone && state_ != State::kFailed) {
    switch (state_) {
      case State::kStatusLine:
      case State::kHeaders:
      case State::kChunkSize:
      case State::kChunkDataEnd:
      case State::kTrailers: {
        std::string_view line;
        if (!take_line(data, pos, line)) break;
        std::string held;  // `line` may point into line_, which the handlers may clear
        if (!line_.empty()) {
          held.assign(line);
          line = held;
          line_.clear();
        }
        switch (state_) {
          case State::kStatusLine:
            on_status_line(line);
            break;
          case State::kHeaders:
            if (line.empty())
              on_headers_end();
            else
              on_header(line);
            break;
          case State::kChunkSize:
            on_chunk_size(line);
            break;
          case State::kChunkDataEnd:
            if (!line.empty())
              fail("malformed chunked body: missing CRLF after chunk data");
            else
              state_ = State::kChunkSize;
            break;
          case State::kTrailers:
            if (line.empty()) state_ = State::kDone;
            break;
          default:
            break;
        }
        break;
      }
      case State::kBody:
      case State::kChunkData: {
        size_t take = static_cast<size_t>(std::min<uint64_t>(length_, data.size() - pos));
        if (!append_body(data.substr(pos, take))) break;
        pos += take;
        length_ -= take;
        if (length_ == 0) state_ = state_ == State::kBody ? State::kDone : State::kChunkDataEnd;
        break;
      }
      case State::kUntilClose: {
        if (!append_body(data.substr(pos))) break;
        pos = data.size();
        break;
      }
      case State::kDone:
      case State::kFailed:
        break;
    }
  }
  return pos;
}

void HttpResponseParser::finish_at_eof() {
  if (state_ == State::kUntilClose) {
    state_ = State::kDone;
    keep_alive_ = false;
    return;
  }
  if (state_ == State::kDone || state_ == State::kFailed) return;
  fail(started() ? "the connection closed in the middle of the response"
                 : "the connection closed before a response arrived");
}

bool HttpResponseParser::append_body(std::string_view bytes) {
  if (body_.size() + bytes.size() > max_body_) {
    too_large_ = true;
    fail("response body too large");
    return false;
  }
  body_.append(bytes);
  return true;
}

void HttpResponseParser::on_status_line(std::string_view line) {
  // HTTP/1.x SP 3DIGIT [SP reason]
  if (line.size() < 12 || !line.starts_with("HTTP/1.") || line[8] != ' ' || line[7] < '0' || line[7] > '9') {
    fail("malformed status line: " + std::string(line.substr(0, 80)));
    return;
  }
  minor_version_ = line[7] - '0';
  int code = 0;
  auto [end, ec] = std::from_chars(line.data() + 9, line.data() + 12, code);
  if (ec != std::errc() || end != line.data() + 12 || code < 100 || code > 999 ||
      (line.size() > 12 && line[12] != ' ')) {
    fail("malformed status line: " + std::string(line.substr(0, 80)));
    return;
  }
  status_ = code;
  state_ = State::kHeaders;
}

void HttpResponseParser::on_header(std::string_view line) {
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    fail("malformed header line: " + std::string(line.substr(0, 80)));
    return;
  }
  std::string_view name = line.substr(0, colon);
  std::string_view value = trim(line.substr(colon + 1));
  if (iequals(name, "Content-Length")) {
    uint64_t n = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec != std::errc() || end != value.data() + value.size() || value.empty()) {
      fail("malformed Content-Length: " + std::string(value.substr(0, 40)));
      return;
    }
    if (has_length_ && n != length_) {
      fail("conflicting Content-Length headers");
      return;
    }
    has_length_ = true;
    length_ = n;
  } else if (iequals(name, "Transfer-Encoding")) {
    if (iequals(last_token(value), "chunked")) {
      chunked_ = true;
      other_coding_ = false;
    } else {
      chunked_ = false;
      other_coding_ = true;
    }
  } else if (iequals(name, "Connection")) {
    if (lists_token(value, "close")) connection_close_ = true;
    if (lists_token(value, "keep-alive")) connection_keep_alive_ = true;
  } else if (iequals(name, "X-Amz-Function-Error")) {
    function_error_ = true;
  }
}

void HttpResponseParser::on_headers_end() {
  if (status_ < 200) {  // interim response: the final one follows
    reset();
    return;
  }
  keep_alive_ = minor_version_ >= 1 ? !connection_close_ : (connection_keep_alive_ && !connection_close_);
  if (status_ == 204 || status_ == 304) {
    state_ = State::kDone;
  } else if (chunked_) {
    state_ = State::kChunkSize;
  } else if (other_coding_ || !has_length_) {
    state_ = State::kUntilClose;
    keep_alive_ = false;
  } else if (length_ > max_body_) {
    too_large_ = true;
    fail("response body too large");
  } else {
    body_.reserve(static_cast<size_t>(length_));
    state_ = length_ == 0 ? State::kDone : State::kBody;
  }
}

void HttpResponseParser::on_chunk_size(std::string_view line) {
  std::string_view size_text = trim(line.substr(0, line.find(';')));
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(size_text.data(), size_text.data() + size_text.size(), n, 16);
  if (size_text.empty() || ec != std::errc() || end != size_text.data() + size_text.size()) {
    fail("malformed chunk size: " + std::string(line.substr(0, 40)));
    return;
  }
  if (n == 0) {
    state_ = State::kTrailers;
    return;
  }
  if (n > max_body_ - std::min(max_body_, body_.size())) {
    too_large_ = true;
    fail("response body too large");
    return;
  }
  length_ = n;
  state_ = State::kChunkData;
}

}  // namespace sg::integrations
