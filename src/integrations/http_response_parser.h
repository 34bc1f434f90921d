// HttpResponseParser: incremental parser for HTTP/1.x responses arriving on a client
// connection (RFC 9112), for the pipelining client (http_pipeline.h). Pure: bytes in,
// parsed responses out; no I/O.
//
// Framing, in RFC 9112's order of precedence (section 6.3):
// - 1xx interim responses are skipped; 204 and 304 have no body;
// - Transfer-Encoding ending in "chunked": chunked body (extensions and trailers ignored);
//   any other Transfer-Encoding: body until the connection closes;
// - Content-Length (repeated identical values allowed; differing ones are an error);
// - otherwise the body runs until the connection closes (finish_at_eof()).
// keep_alive(): HTTP/1.1 unless "Connection: close"; HTTP/1.0 only with "Connection:
// keep-alive"; never for a body delimited by the close.
// Bodies over max_body bytes stop the parse with too_large() (the connection must close).
//
// Written here because libcurl, the HTTP client used elsewhere, no longer pipelines
// requests, and the response framing rules are this small.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sg::integrations {

class HttpResponseParser {
 public:
  explicit HttpResponseParser(size_t max_body) : max_body_(max_body) {}

  // Consumes bytes of `data` up to the end of one complete final response (or all of
  // it). Returns how many were consumed; check done() / failed() afterwards.
  size_t feed(std::string_view data);
  // The peer closed the connection: completes a body delimited by the close, fails any
  // other unfinished response.
  void finish_at_eof();
  // Ready for the next response on the same connection.
  void reset();

  bool done() const { return state_ == State::kDone; }
  bool failed() const { return state_ == State::kFailed; }
  bool started() const { return state_ != State::kStatusLine || !line_.empty(); }
  const std::string& error() const { return error_; }  // when failed()
  bool too_large() const { return too_large_; }

  int status() const { return status_; }
  bool keep_alive() const { return keep_alive_; }
  bool function_error() const { return function_error_; }  // X-Amz-Function-Error present
  std::string& body() { return body_; }

 private:
  enum class State {
    kStatusLine,
    kHeaders,
    kBody,
    kChunkSize,
    kChunkData,
    kChunkDataEnd,
    kTrailers,
    kUntilClose,
    kDone,
    kFailed
  };
  bool take_line(std::string_view data, size_t& pos, std::string_view& line);
  void on_status_line(std::string_view line);
  void on_header(std::string_view line);
  void on_headers_end();
  void on_chunk_size(std::string_view line);
  bool append_body(std::string_view bytes);
  void fail(std::string message);

  size_t max_body_;
  State state_ = State::kStatusLine;
  std::string line_;  // a line split across feeds
  std::string error_;
  bool too_large_ = false;
  int status_ = 0;
  int minor_version_ = 1;
  bool keep_alive_ = true;
  bool connection_close_ = false;
  bool connection_keep_alive_ = false;
  bool function_error_ = false;
  bool chunked_ = false;
  bool other_coding_ = false;
  bool has_length_ = false;
  uint64_t length_ = 0;  // Content-Length, or the current chunk's remaining size
  std::string body_;
};

}  // namespace sg::integrations
